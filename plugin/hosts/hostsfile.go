package hosts

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

// Map holds the entries of one hosts source (the file or the inline lines):
// addresses by owner name, split by family, and owner names by the reverse
// (PTR) name of each address.
type Map struct {
	name4 map[string][]net.IP
	name6 map[string][]net.IP
	ptr   map[string][]string // reverse name -> owner names, in file order
}

func newMap() *Map {
	return &Map{
		name4: make(map[string][]net.IP),
		name6: make(map[string][]net.IP),
		ptr:   make(map[string][]string),
	}
}

// Len is the number of name/address pairs in m.
func (m *Map) Len() int {
	n := 0
	for _, ips := range m.name4 {
		n += len(ips)
	}
	for _, ips := range m.name6 {
		n += len(ips)
	}
	return n
}

// merge returns a map with the entries of a followed by those of b.
func merge(a, b *Map) *Map {
	m := newMap()
	for _, src := range []*Map{a, b} {
		for k, v := range src.name4 {
			m.name4[k] = append(m.name4[k], v...)
		}
		for k, v := range src.name6 {
			m.name6[k] = append(m.name6[k], v...)
		}
		for k, v := range src.ptr {
			m.ptr[k] = append(m.ptr[k], v...)
		}
	}
	return m
}

// options are the settings of a hosts plugin instance.
type options struct {
	autoReverse bool          // also answer PTR queries
	ttl         uint32        // TTL of every record served
	reload      time.Duration // how often the file is checked; 0 is never
}

const (
	defaultTTL    = 3600
	defaultReload = 5 * time.Second
)

func newOptions() *options {
	return &options{autoReverse: true, ttl: defaultTTL, reload: defaultReload}
}

// Hostsfile is the data of a hosts plugin instance: the entries of a hosts
// file, kept up to date by readHosts, and the inline entries of the
// Corefile.
type Hostsfile struct {
	sync.RWMutex

	// Origins are the zones names must lie in to be served.
	Origins []string

	path    string
	options *options

	file   *Map // entries read from path
	inline *Map // entries of the Corefile, fixed at setup
	all    *Map // file and inline merged: what queries see

	// mtime and size of path when it was last read, to skip unchanged files.
	mtime time.Time
	size  int64
}

// newHostsfile returns a Hostsfile for path with no entries.
func newHostsfile(path string, origins []string, opts *options) *Hostsfile {
	m := newMap()
	return &Hostsfile{
		Origins: origins,
		path:    path,
		options: opts,
		file:    m,
		inline:  m,
		all:     m,
	}
}

// setInline parses the inline lines of the Corefile.
func (h *Hostsfile) setInline(lines []string) {
	m := h.parse(strings.NewReader(strings.Join(lines, "\n")))
	h.Lock()
	h.inline = m
	h.all = merge(h.file, h.inline)
	h.Unlock()
}

// readHosts reads the hosts file again when its modification time or size
// changed. A file that cannot be read leaves the entries as they were.
func (h *Hostsfile) readHosts() {
	f, err := os.Open(h.path)
	if err != nil {
		// Setup already warned about a missing file.
		return
	}
	defer f.Close()

	fi, err := f.Stat()
	if err != nil {
		return
	}
	h.RLock()
	unchanged := fi.ModTime().Equal(h.mtime) && fi.Size() == h.size
	h.RUnlock()
	if unchanged {
		return
	}

	m := h.parse(f)

	h.Lock()
	h.file = m
	h.all = merge(h.file, h.inline)
	h.mtime = fi.ModTime()
	h.size = fi.Size()
	entries := h.file.Len() + h.inline.Len()
	h.Unlock()

	hostsEntries.WithLabelValues(h.path).Set(float64(entries))
	hostsReloadTime.Set(float64(time.Now().UnixNano()) / 1e9)
}

// parse reads hosts(5) lines from r: an address, then one or more names;
// '#' starts a comment. Lines whose first field is not an address are
// skipped, as are names outside the Origins.
func (h *Hostsfile) parse(r io.Reader) *Map {
	m := newMap()
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		line := scanner.Bytes()
		if i := bytes.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := bytes.Fields(line)
		if len(fields) < 2 {
			continue
		}
		ip := parseIP(string(fields[0]))
		if ip == nil {
			continue
		}
		// An IPv4-mapped IPv6 address counts as IPv4: it is served as an A
		// record and its PTR name lives under in-addr.arpa.
		v4 := ip.To4() != nil
		var rev string
		if h.options.autoReverse {
			rev, _ = dns.ReverseAddr(ip.String())
		}
		for _, f := range fields[1:] {
			name := plugin.Name(string(f)).Normalize()
			if plugin.Zones(h.Origins).Matches(name) == "" {
				continue
			}
			if v4 {
				m.name4[name] = append(m.name4[name], ip)
			} else {
				m.name6[name] = append(m.name6[name], ip)
			}
			if rev != "" {
				m.ptr[rev] = append(m.ptr[rev], name)
			}
		}
	}
	return m
}

// parseIP parses an address, dropping an IPv6 zone ("fe80::1%lo0").
func parseIP(s string) net.IP {
	if i := strings.IndexByte(s, '%'); i >= 0 {
		s = s[:i]
	}
	return net.ParseIP(s)
}

// lookupV4 returns the IPv4 addresses of name (lowercased, fully
// qualified). The slice must not be modified.
func (h *Hostsfile) lookupV4(name string) []net.IP {
	h.RLock()
	defer h.RUnlock()
	return h.all.name4[name]
}

// lookupV6 returns the IPv6 addresses of name. The slice must not be
// modified.
func (h *Hostsfile) lookupV6(name string) []net.IP {
	h.RLock()
	defer h.RUnlock()
	return h.all.name6[name]
}

// lookupPTR returns the names that have the address whose reverse name is
// rev. The slice must not be modified.
func (h *Hostsfile) lookupPTR(rev string) []string {
	h.RLock()
	defer h.RUnlock()
	return h.all.ptr[rev]
}

// exists reports whether name has an address of either family.
func (h *Hostsfile) exists(name string) bool {
	h.RLock()
	defer h.RUnlock()
	return len(h.all.name4[name]) > 0 || len(h.all.name6[name]) > 0
}
