package sign

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// The signing schedule.
const (
	// inception is how long before the signing time signatures start.
	inception = 3 * time.Hour
	// inceptionJitter is the most extra time, per zone, taken off the
	// inception; it spreads the re-signing of many zones.
	inceptionJitter = 18 * time.Hour
	// expiration is how long after the signing time signatures end.
	expiration = 32 * 24 * time.Hour
	// expirationJitter is the most extra time, per zone, added to it.
	expirationJitter = 5 * 24 * time.Hour

	// resignAge: a zone whose SOA signature started longer ago than this is
	// signed again.
	resignAge = 6 * 24 * time.Hour
	// resignLeft: a zone whose SOA signature has less than this left before
	// it expires is signed again.
	resignLeft = 14 * 24 * time.Hour

	// checkInterval is how often a signer checks whether it should re-sign.
	checkInterval = time.Hour
)

// Signer signs one zone read from a zone file and writes the result to
// directory/db.<origin>signed.
type Signer struct {
	origin      string
	dbfile      string
	directory   string
	signedfile  string
	keys        []Pair
	jitterIncep time.Duration
	jitterExpir time.Duration

	stop chan struct{}
	done chan struct{}
}

// newSigner returns a Signer for origin, with jitter picked at random.
func newSigner(origin, dbfile, directory string, keys []Pair) *Signer {
	return &Signer{
		origin:      origin,
		dbfile:      dbfile,
		directory:   directory,
		signedfile:  filepath.Join(directory, "db."+origin+"signed"),
		keys:        keys,
		jitterIncep: time.Duration(rand.Int64N(int64(inceptionJitter))),
		jitterExpir: time.Duration(rand.Int64N(int64(expirationJitter))),
	}
}

// Sign signs the zone as of now and writes it out.
func (s *Signer) Sign(now time.Time) error {
	start := time.Now()
	rrs, err := s.read()
	if err != nil {
		return err
	}
	incep := uint32(now.Add(-inception - s.jitterIncep).Unix())
	expir := uint32(now.Add(expiration + s.jitterExpir).Unix())
	signed, err := signZone(s.origin, rrs, s.keys, uint32(now.Unix()), incep, expir)
	if err != nil {
		return err
	}
	if err := s.write(signed); err != nil {
		return err
	}
	tags := make([]string, len(s.keys))
	for i, k := range s.keys {
		tags[i] = fmt.Sprint(k.KeyTag)
	}
	log.Infof("Successfully signed zone %q in %q with key tags %q and %d SOA serial, elapsed %s, next: %s",
		s.origin, s.signedfile, strings.Join(tags, ","), uint32(now.Unix()), time.Since(start),
		now.Add(checkInterval).UTC().Format(time.RFC3339))
	return nil
}

// read parses the unsigned zone file, keeping the records of origin.
func (s *Signer) read() ([]dns.RR, error) {
	f, err := os.Open(s.dbfile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zp := dns.NewZoneParser(f, s.origin, s.dbfile)
	zp.SetIncludeAllowed(true)
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if dns.IsSubDomain(s.origin, rr.Header().Name) {
			rrs = append(rrs, rr)
		}
	}
	if err := zp.Err(); err != nil {
		return nil, err
	}
	return rrs, nil
}

// write saves the signed zone, replacing the old file in one step.
func (s *Signer) write(rrs []dns.RR) error {
	tmp, err := os.CreateTemp(s.directory, ".db."+s.origin+"signed.*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	var b strings.Builder
	for _, rr := range rrs {
		b.WriteString(rr.String())
		b.WriteByte('\n')
	}
	if _, err := tmp.WriteString(b.String()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.signedfile)
}

// resign reports why the zone should be signed now, or "" if it need not
// be: the signed file is missing or unreadable, or its SOA signature is
// too old or expires too soon.
func (s *Signer) resign(now time.Time) string {
	f, err := os.Open(s.signedfile)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	zp := dns.NewZoneParser(f, s.origin, s.signedfile)
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		sig, isSig := rr.(*dns.RRSIG)
		if !isSig || sig.TypeCovered != dns.TypeSOA || !strings.EqualFold(sig.Hdr.Name, s.origin) {
			continue
		}
		incep := time.Unix(int64(sig.Inception), 0)
		expir := time.Unix(int64(sig.Expiration), 0)
		if age := now.Sub(incep); age > resignAge {
			return fmt.Sprintf("resign was: %s ago", age.Round(time.Second))
		}
		if left := expir.Sub(now); left < resignLeft {
			return fmt.Sprintf("signature expires in: %s", left.Round(time.Second))
		}
		return ""
	}
	if err := zp.Err(); err != nil {
		return err.Error()
	}
	return "no SOA signature in " + s.signedfile
}

// check signs the zone when resign says so.
func (s *Signer) check(now time.Time) {
	why := s.resign(now)
	if why == "" {
		return
	}
	log.Infof("Signing %q because %s", s.origin, why)
	if err := s.Sign(now); err != nil {
		log.Errorf("Failed to sign %q: %s", s.origin, err)
	}
}

// run checks the zone now and every checkInterval until stop is closed.
func (s *Signer) run() {
	defer close(s.done)
	s.check(time.Now())
	t := time.NewTicker(checkInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.check(time.Now())
		}
	}
}

// start begins the background signing of the zone.
func (s *Signer) start() {
	s.stop = make(chan struct{})
	s.done = make(chan struct{})
	go s.run()
}

// shutdown stops the background signing and waits for it.
func (s *Signer) shutdown() {
	if s.stop == nil {
		return
	}
	close(s.stop)
	<-s.done
	s.stop = nil
}

// sortRRs orders records canonically by owner name, then by type.
func sortRRs(rrs []dns.RR) {
	keys := make(map[string][]byte, len(rrs))
	key := func(n string) []byte {
		k, ok := keys[n]
		if !ok {
			k = canonicalKey(n)
			keys[n] = k
		}
		return k
	}
	sort.SliceStable(rrs, func(i, j int) bool {
		a, b := key(rrs[i].Header().Name), key(rrs[j].Header().Name)
		if c := string(a); c != string(b) {
			return canonicalLess(a, b)
		}
		return rrs[i].Header().Rrtype < rrs[j].Header().Rrtype
	})
}
