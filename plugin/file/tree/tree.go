// Package tree stores the names of a zone in a left-leaning red-black tree
// ordered canonically (RFC 4034, section 6.1), so that a name's predecessor
// and successor, as needed for NSEC denial of existence, are one descent
// away.
package tree

import "github.com/miekg/dns"

// Color is the color of a node: red or black.
type Color bool

const (
	red   Color = false
	black Color = true
)

// Node is a node of the tree.
type Node struct {
	Elem        *Elem
	Left, Right *Node
	Color       Color
}

// Tree is a left-leaning red-black tree of Elems. The zero value is an empty
// tree ready to use.
type Tree struct {
	Root  *Node // root of the tree
	Count int   // number of names in the tree

	// index maps sort keys to Elems for exact lookups without a descent.
	// Insert and the Delete methods keep it; it is used only while it
	// holds Count names (a tree assembled by hand through Root has none).
	index map[string]*Elem
}

// Len returns the number of names in the tree.
func (t *Tree) Len() int { return t.Count }

// Search returns the Elem for qname, if the tree holds it.
func (t *Tree) Search(qname string) (*Elem, bool) {
	if t.Root == nil {
		return nil, false
	}
	var buf [keyBuf]byte
	k := appendKey(buf[:0], qname)
	if t.index != nil && len(t.index) == t.Count {
		e, ok := t.index[string(k)]
		return e, ok
	}
	return t.descend(k)
}

// descend looks k up by walking down from the root.
func (t *Tree) descend(k []byte) (*Elem, bool) {
	for n := t.Root; n != nil; {
		switch c := compareKey(k, n.Elem.key); {
		case c < 0:
			n = n.Left
		case c > 0:
			n = n.Right
		default:
			return n.Elem, true
		}
	}
	return nil, false
}

// Insert adds rr to the Elem of its owner name, creating it when needed.
func (t *Tree) Insert(rr dns.RR) {
	var buf [keyBuf]byte
	k := appendKey(buf[:0], rr.Header().Name)
	var added *Elem
	t.Root, added = t.Root.insert(k, rr)
	t.Root.Color = black
	if added != nil {
		if t.index == nil && t.Count == 0 {
			t.index = make(map[string]*Elem)
		}
		if t.index != nil {
			t.index[added.key] = added
		}
		t.Count++
	}
}

// insert adds rr below n; it returns the new subtree root and the Elem it
// created, or nil when rr's name was already there.
func (n *Node) insert(k []byte, rr dns.RR) (*Node, *Elem) {
	if n == nil {
		e := newElem(rr)
		return &Node{Elem: e}, e
	}
	var added *Elem
	switch c := compareKey(k, n.Elem.key); {
	case c < 0:
		n.Left, added = n.Left.insert(k, rr)
	case c > 0:
		n.Right, added = n.Right.insert(k, rr)
	default:
		n.Elem.Insert(rr)
	}
	return n.fixUp(), added
}

// Delete removes the RRs of rr's type from the Elem of rr's owner name, and
// the name itself when nothing is left there.
func (t *Tree) Delete(rr dns.RR) {
	el, ok := t.Search(rr.Header().Name)
	if !ok {
		return
	}
	el.Delete(rr)
	if !el.Empty() {
		return
	}
	if !isRed(t.Root.Left) && !isRed(t.Root.Right) {
		t.Root.Color = red
	}
	t.Root = t.Root.delete(el.key)
	delete(t.index, el.key)
	t.Count--
	if t.Root != nil {
		t.Root.Color = black
	}
}

// delete removes key, which must be in the subtree.
func (n *Node) delete(k string) *Node {
	if k < n.Elem.key {
		if !isRed(n.Left) && !isRed(n.Left.Left) {
			n = n.moveRedLeft()
		}
		n.Left = n.Left.delete(k)
		return n.fixUp()
	}
	if isRed(n.Left) {
		n = n.rotateRight()
	}
	if k == n.Elem.key && n.Right == nil {
		return nil
	}
	if !isRed(n.Right) && !isRed(n.Right.Left) {
		n = n.moveRedRight()
	}
	if k == n.Elem.key {
		n.Elem = n.Right.min().Elem
		n.Right = n.Right.deleteMin()
	} else {
		n.Right = n.Right.delete(k)
	}
	return n.fixUp()
}

// DeleteMin removes the smallest name from the tree.
func (t *Tree) DeleteMin() {
	if t.Root == nil {
		return
	}
	if !isRed(t.Root.Left) && !isRed(t.Root.Right) {
		t.Root.Color = red
	}
	delete(t.index, t.Min().key)
	t.Root = t.Root.deleteMin()
	t.Count--
	if t.Root != nil {
		t.Root.Color = black
	}
}

func (n *Node) deleteMin() *Node {
	if n.Left == nil {
		return nil
	}
	if !isRed(n.Left) && !isRed(n.Left.Left) {
		n = n.moveRedLeft()
	}
	n.Left = n.Left.deleteMin()
	return n.fixUp()
}

// DeleteMax removes the largest name from the tree.
func (t *Tree) DeleteMax() {
	if t.Root == nil {
		return
	}
	if !isRed(t.Root.Left) && !isRed(t.Root.Right) {
		t.Root.Color = red
	}
	delete(t.index, t.Max().key)
	t.Root = t.Root.deleteMax()
	t.Count--
	if t.Root != nil {
		t.Root.Color = black
	}
}

func (n *Node) deleteMax() *Node {
	if isRed(n.Left) {
		n = n.rotateRight()
	}
	if n.Right == nil {
		return nil
	}
	if !isRed(n.Right) && !isRed(n.Right.Left) {
		n = n.moveRedRight()
	}
	n.Right = n.Right.deleteMax()
	return n.fixUp()
}

// Min returns the smallest Elem in the tree, or nil.
func (t *Tree) Min() *Elem {
	if t.Root == nil {
		return nil
	}
	return t.Root.min().Elem
}

func (n *Node) min() *Node {
	for n.Left != nil {
		n = n.Left
	}
	return n
}

// Max returns the largest Elem in the tree, or nil.
func (t *Tree) Max() *Elem {
	if t.Root == nil {
		return nil
	}
	n := t.Root
	for n.Right != nil {
		n = n.Right
	}
	return n.Elem
}

// Prev returns the largest Elem that sorts before or equal to qname.
func (t *Tree) Prev(qname string) (*Elem, bool) {
	var buf [keyBuf]byte
	k := appendKey(buf[:0], qname)
	var best *Node
	for n := t.Root; n != nil; {
		switch c := compareKey(k, n.Elem.key); {
		case c < 0:
			n = n.Left
		case c > 0:
			best = n
			n = n.Right
		default:
			return n.Elem, true
		}
	}
	if best == nil {
		return nil, false
	}
	return best.Elem, true
}

// Next returns the smallest Elem that sorts after or equal to qname.
func (t *Tree) Next(qname string) (*Elem, bool) {
	var buf [keyBuf]byte
	k := appendKey(buf[:0], qname)
	var best *Node
	for n := t.Root; n != nil; {
		switch c := compareKey(k, n.Elem.key); {
		case c < 0:
			best = n
			n = n.Left
		case c > 0:
			n = n.Right
		default:
			return n.Elem, true
		}
	}
	if best == nil {
		return nil, false
	}
	return best.Elem, true
}

func isRed(n *Node) bool { return n != nil && n.Color == red }

func (n *Node) rotateLeft() *Node {
	r := n.Right
	n.Right = r.Left
	r.Left = n
	r.Color = n.Color
	n.Color = red
	return r
}

func (n *Node) rotateRight() *Node {
	l := n.Left
	n.Left = l.Right
	l.Right = n
	l.Color = n.Color
	n.Color = red
	return l
}

func (n *Node) flipColors() {
	n.Color = !n.Color
	n.Left.Color = !n.Left.Color
	n.Right.Color = !n.Right.Color
}

// fixUp restores the left-leaning invariants on the way back up.
func (n *Node) fixUp() *Node {
	if isRed(n.Right) && !isRed(n.Left) {
		n = n.rotateLeft()
	}
	if isRed(n.Left) && isRed(n.Left.Left) {
		n = n.rotateRight()
	}
	if isRed(n.Left) && isRed(n.Right) {
		n.flipColors()
	}
	return n
}

func (n *Node) moveRedLeft() *Node {
	n.flipColors()
	if isRed(n.Right.Left) {
		n.Right = n.Right.rotateRight()
		n = n.rotateLeft()
		n.flipColors()
	}
	return n
}

func (n *Node) moveRedRight() *Node {
	n.flipColors()
	if isRed(n.Left.Left) {
		n = n.rotateRight()
		n.flipColors()
	}
	return n
}
