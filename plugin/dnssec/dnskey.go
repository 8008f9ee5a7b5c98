package dnssec

import (
	"crypto"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/miekg/dns"
)

// DNSKEY is one signing key: the public DNSKEY record, the private half that
// signs with it, and its precomputed key tag.
type DNSKEY struct {
	K   *dns.DNSKEY
	s   crypto.Signer
	tag uint16
}

// keyBase strips a ".key" or ".private" suffix so that a key can be named by
// its base name or either of its two files.
func keyBase(name string) string {
	if b, ok := strings.CutSuffix(name, ".key"); ok {
		return b
	}
	if b, ok := strings.CutSuffix(name, ".private"); ok {
		return b
	}
	return name
}

// ParseKeyFile reads a BIND style key pair: the DNSKEY record from pubFile
// and the matching private key from privFile.
func ParseKeyFile(pubFile, privFile string) (*DNSKEY, error) {
	pub, err := os.Open(pubFile)
	if err != nil {
		return nil, err
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
		return nil, err
	}
	if key == nil {
		return nil, fmt.Errorf("no DNSKEY record in %q", pubFile)
	}

	priv, err := os.Open(privFile)
	if err != nil {
		return nil, err
	}
	defer priv.Close()
	p, err := key.ReadPrivateKey(priv, privFile)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", privFile, err)
	}
	signer, ok := p.(crypto.Signer)
	if !ok {
		return nil, errors.New("private key in " + privFile + " cannot sign")
	}
	return &DNSKEY{K: key, s: signer, tag: key.KeyTag()}, nil
}

// isKSK reports whether k has the secure entry point flag set.
func (k *DNSKEY) isKSK() bool { return k.K.Flags&dns.SEP != 0 }

// keyRR returns k's DNSKEY record owned by zone with the given TTL.
func (k *DNSKEY) keyRR(zone string, ttl uint32) *dns.DNSKEY {
	c := *k.K
	c.Hdr = dns.RR_Header{Name: zone, Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: ttl}
	return &c
}
