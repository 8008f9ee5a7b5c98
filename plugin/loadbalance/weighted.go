package loadbalance

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// weight is the weight of one address of a name.
type weight struct {
	addr   netip.Addr
	weight uint8
}

// weights holds the contents of a weight file: per owner name (lower case,
// fully qualified) the weights of its addresses. The file is read again
// every reload interval and swapped in when it changed and parses.
type weights struct {
	path   string
	reload time.Duration

	mu     sync.RWMutex
	byName map[string][]weight
	sum    [sha256.Size]byte // of the file contents byName came from

	stopOnce sync.Once
	quit     chan struct{}
}

// newWeights reads path; an unreadable or malformed file is an error.
func newWeights(path string, reload time.Duration) (*weights, error) {
	w := &weights{path: path, reload: reload, quit: make(chan struct{})}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("weight file: %w", err)
	}
	byName, err := parseWeights(data)
	if err != nil {
		return nil, fmt.Errorf("weight file %s: %w", path, err)
	}
	w.byName, w.sum = byName, sha256.Sum256(data)
	return w, nil
}

// parseWeights reads the weight file format: a line with one word starts the
// addresses of that domain name, a line "ADDRESS WEIGHT" gives an address of
// the current name its weight in [1,255]; empty lines and lines starting
// with # are skipped.
func parseWeights(data []byte) (map[string][]weight, error) {
	byName := make(map[string][]weight)
	current := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		fields := strings.Fields(text)
		switch len(fields) {
		case 1:
			if _, ok := dns.IsDomainName(fields[0]); !ok {
				return nil, fmt.Errorf("line %d: invalid domain name %q", line, fields[0])
			}
			current = strings.ToLower(dns.Fqdn(fields[0]))
			if _, ok := byName[current]; !ok {
				byName[current] = nil
			}
		case 2:
			if current == "" {
				return nil, fmt.Errorf("line %d: address %q before any domain name", line, fields[0])
			}
			addr, err := netip.ParseAddr(fields[0])
			if err != nil {
				return nil, fmt.Errorf("line %d: invalid address %q", line, fields[0])
			}
			n, err := strconv.ParseUint(fields[1], 10, 8)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("line %d: invalid weight %q, want 1 to 255", line, fields[1])
			}
			byName[current] = append(byName[current], weight{addr: addr.Unmap(), weight: uint8(n)})
		default:
			return nil, fmt.Errorf("line %d: want a domain name or an address and a weight, got %q", line, text)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return byName, nil
}

// topAddress moves one of the A and AAAA records of answer, picked at random
// in proportion to its weight (1 for addresses the file does not list), in
// front of the other address records. Answers for names the weight file does
// not list are returned as they are.
func (w *weights) topAddress(qname string, answer []dns.RR) []dns.RR {
	w.mu.RLock()
	ws, ok := w.byName[lowerName(qname)]
	w.mu.RUnlock()
	if !ok {
		return answer
	}

	first, total, count := -1, 0, 0
	for i, rr := range answer {
		a, ok := address(rr)
		if !ok {
			continue
		}
		if first < 0 {
			first = i
		}
		total += weightOf(ws, a)
		count++
	}
	if count < 2 {
		return answer
	}

	pick := rand.IntN(total)
	chosen := -1
	for i, rr := range answer {
		a, ok := address(rr)
		if !ok {
			continue
		}
		pick -= weightOf(ws, a)
		if pick < 0 {
			chosen = i
			break
		}
	}
	if chosen == first {
		return answer
	}
	out := make([]dns.RR, 0, len(answer))
	out = append(out, answer[:first]...)
	out = append(out, answer[chosen])
	out = append(out, answer[first:chosen]...)
	out = append(out, answer[chosen+1:]...)
	return out
}

// weightOf returns the weight of a, 1 when ws does not list it.
func weightOf(ws []weight, a netip.Addr) int {
	for _, x := range ws {
		if x.addr == a {
			return int(x.weight)
		}
	}
	return 1
}

// lowerName lower cases an ASCII name, allocating only when it has upper
// case letters.
func lowerName(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// start begins checking the weight file for changes, unless reloading is off.
func (w *weights) start() error {
	if w.reload <= 0 {
		return nil
	}
	go func() {
		tick := time.NewTicker(w.reload)
		defer tick.Stop()
		for {
			select {
			case <-w.quit:
				return
			case <-tick.C:
				w.update()
			}
		}
	}()
	return nil
}

// stop ends the reload loop.
func (w *weights) stop() error {
	w.stopOnce.Do(func() { close(w.quit) })
	return nil
}

// update reads the weight file and swaps in its contents when they changed.
// A file that cannot be read or parsed is logged and the old weights stay.
func (w *weights) update() {
	data, err := os.ReadFile(w.path)
	if err != nil {
		log.Errorf("Failed to read weight file %s: %s", w.path, err)
		return
	}
	sum := sha256.Sum256(data)
	w.mu.RLock()
	same := sum == w.sum
	w.mu.RUnlock()
	if same {
		return
	}
	byName, err := parseWeights(data)
	if err != nil {
		log.Errorf("Failed to reload weight file %s: %s", w.path, err)
		return
	}
	w.mu.Lock()
	w.byName, w.sum = byName, sum
	w.mu.Unlock()
	log.Infof("Reloaded weight file %s", w.path)
}
