package tree

import "unsafe"

// Names are ordered as RFC 4034, section 6.1 asks: label by label from the
// right, each label compared as a lowercased octet string. Every Elem keeps a
// sort key that turns this order into plain byte order: the labels from right
// to left, each one's octets (escapes decoded, ASCII lowercased, a zero octet
// written as 0x00 0x01) followed by 0x00 0x00. A label that is a prefix of
// another then sorts first, and a name sorts before its children, because
// their keys extend its key.

// Less compares the name of a with name in canonical order. It returns a
// negative number when name sorts before a, zero when they are the same name
// and a positive number when name sorts after a.
func Less(a *Elem, name string) int {
	var buf [keyBuf]byte
	return compareKey(appendKey(buf[:0], name), a.key)
}

// keyBuf is big enough for the key of nearly every name, so keys of query
// names are built on the stack.
const keyBuf = 320

// key returns the sort key of name as a string.
func key(name string) string { return string(appendKey(nil, name)) }

// compareKey compares a transient key with a stored one.
func compareKey(k []byte, stored string) int {
	// The bytes are only read during the comparison; no copy is needed.
	s := unsafe.String(unsafe.SliceData(k), len(k))
	switch {
	case s < stored:
		return -1
	case s > stored:
		return 1
	}
	return 0
}

// appendKey appends the sort key of name to buf.
func appendKey(buf []byte, name string) []byte {
	end := len(name)
	if end > 0 && name[end-1] == '.' && !escaped(name, end-1) {
		end--
	}
	for end > 0 {
		start := labelStart(name, end)
		buf = appendLabel(buf, name[start:end])
		buf = append(buf, 0, 0)
		end = start - 1
	}
	return buf
}

// labelStart returns the index where the label ending at end begins.
func labelStart(name string, end int) int {
	for i := end - 1; i >= 0; i-- {
		if name[i] == '.' && !escaped(name, i) {
			return i + 1
		}
	}
	return 0
}

// escaped reports whether the character at i is preceded by an odd number of
// backslashes.
func escaped(name string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && name[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// appendLabel appends the octets of the presentation-format label l,
// lowercased and with a zero octet doubled as 0x00 0x01.
func appendLabel(buf []byte, l string) []byte {
	for i := 0; i < len(l); i++ {
		c := l[i]
		if c == '\\' && i+1 < len(l) {
			if i+3 < len(l) && isDigit(l[i+1]) && isDigit(l[i+2]) && isDigit(l[i+3]) {
				c = (l[i+1]-'0')*100 + (l[i+2]-'0')*10 + (l[i+3] - '0')
				i += 3
			} else {
				c = l[i+1]
				i++
			}
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c == 0 {
			buf = append(buf, 0, 1)
			continue
		}
		buf = append(buf, c)
	}
	return buf
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
