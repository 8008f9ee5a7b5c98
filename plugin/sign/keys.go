package sign

import (
	"crypto"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/miekg/dns"
)

// Pair is a DNSKEY and the private key that signs with it.
type Pair struct {
	Public  *dns.DNSKEY
	KeyTag  uint16
	Private crypto.Signer
}

// readKeyPair reads a BIND style key pair named by base (the file names
// without .key or .private), or by either of its files.
func readKeyPair(name string) (Pair, error) {
	base := name
	if b, ok := strings.CutSuffix(base, ".key"); ok {
		base = b
	} else if b, ok := strings.CutSuffix(base, ".private"); ok {
		base = b
	}
	pubFile, privFile := base+".key", base+".private"

	pub, err := os.Open(pubFile)
	if err != nil {
		return Pair{}, err
	}
	defer pub.Close()
	var key *dns.DNSKEY
	zp := dns.NewZoneParser(pub, ".", pubFile)
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if k, isKey := rr.(*dns.DNSKEY); isKey {
			key = k
			break
		}
	}
	if err := zp.Err(); err != nil {
		return Pair{}, err
	}
	if key == nil {
		return Pair{}, fmt.Errorf("no DNSKEY record in %q", pubFile)
	}

	priv, err := os.Open(privFile)
	if err != nil {
		return Pair{}, err
	}
	defer priv.Close()
	p, err := key.ReadPrivateKey(priv, privFile)
	if err != nil {
		return Pair{}, fmt.Errorf("%q: %w", privFile, err)
	}
	signer, ok := p.(crypto.Signer)
	if !ok {
		return Pair{}, errors.New("private key in " + privFile + " cannot sign")
	}
	return Pair{Public: key, KeyTag: key.KeyTag(), Private: signer}, nil
}

// keysFromFiles reads the named key pairs; each must be a KSK (or CSK).
func keysFromFiles(names []string) ([]Pair, error) {
	pairs := make([]Pair, 0, len(names))
	for _, n := range names {
		p, err := readKeyPair(n)
		if err != nil {
			return nil, fmt.Errorf("reading key %q: %w", n, err)
		}
		if p.Public.Flags&dns.SEP == 0 {
			return nil, fmt.Errorf("key %q is not a key signing key (flags %d, want the SEP flag set)", n, p.Public.Flags)
		}
		pairs = append(pairs, p)
	}
	return pairs, nil
}

// keysFromDirectory reads the key pairs for origin found in dir, named
// K<origin>+<alg>+<tag>.key with or without the final dot of origin. Keys
// without the SEP flag are skipped.
func keysFromDirectory(dir, origin string) ([]Pair, error) {
	var files []string
	for _, name := range []string{origin, strings.TrimSuffix(origin, ".")} {
		m, err := filepath.Glob(filepath.Join(dir, "K"+name+"+*.key"))
		if err != nil {
			return nil, err
		}
		for _, f := range m {
			if !containsString(files, f) {
				files = append(files, f)
			}
		}
	}
	var pairs []Pair
	for _, f := range files {
		p, err := readKeyPair(f)
		if err != nil {
			return nil, fmt.Errorf("reading key %q: %w", f, err)
		}
		if p.Public.Flags&dns.SEP == 0 {
			log.Infof("Skipping key %q for %q: not a key signing key", f, origin)
			continue
		}
		pairs = append(pairs, p)
	}
	if len(pairs) == 0 {
		return nil, fmt.Errorf("no key signing keys for %q in %q", origin, dir)
	}
	return pairs, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
