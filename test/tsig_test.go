package test

import (
	"testing"
	"time"

	"github.com/miekg/dns"
)

const (
	tsigKey    = "xfr.key."
	tsigSecret = "X28hl0BOfAL5G0jsmJWSacrwn7YRm2f6U5brnzwWEus="
	tsigOther  = "c2VjcmV0IHRoYXQgaXMgbm90IHRoZSBzZXJ2ZXJzIG9uZQ=="
)

// TestTSIGTransfer: a primary that requires TSIG for AXFR and SOA.
func TestTSIGTransfer(t *testing.T) {
	path := writeXfrZone(t, "1", "192.0.2.80")
	_, udp, tcp := startXfr(t, `example.org:0 {
    bind 127.0.0.1
    tsig {
        secret `+tsigKey+` `+tsigSecret+`
        require AXFR SOA
    }
    file `+path+`
    transfer {
        to *
    }
}`)

	// Signed: the transfer is signed too, and dns.Transfer checks every
	// envelope's MAC.
	m := new(dns.Msg)
	m.SetAxfr("example.org.")
	m.SetTsig(tsigKey, dns.HmacSHA256, 300, time.Now().Unix())
	got, err := axfr(t, tcp, "example.org.", &dns.Transfer{TsigSecret: map[string]string{tsigKey: tsigSecret}}, m)
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, got, xfrRecords)

	// Unsigned AXFR: refused.
	m = new(dns.Msg)
	m.SetAxfr("example.org.")
	r, _, err := (&dns.Client{Net: "tcp"}).Exchange(m, tcp)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeRefused || len(r.Answer) != 0 || r.IsTsig() != nil {
		t.Errorf("unsigned AXFR: %v", r)
	}

	// Unsigned A: answered (not in require).
	m = new(dns.Msg)
	m.SetQuestion("www.example.org.", dns.TypeA)
	if r, _, err = new(dns.Client).Exchange(m, udp); err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 || r.Answer[0].String() != xfrRecords[6] || r.IsTsig() != nil {
		t.Errorf("unsigned A: %v", r)
	}

	// Signed SOA over UDP: answered and signed (the client verifies).
	m = new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeSOA)
	m.SetTsig(tsigKey, dns.HmacSHA256, 300, time.Now().Unix())
	c := &dns.Client{TsigSecret: map[string]string{tsigKey: tsigSecret}}
	if r, _, err = c.Exchange(m, udp); err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 || r.Answer[0].String() != xfrRecords[0] || r.IsTsig() == nil {
		t.Errorf("signed SOA: %v", r)
	}

	// Signed AXFR over UDP: refused, signed.
	m = new(dns.Msg)
	m.SetAxfr("example.org.")
	m.SetTsig(tsigKey, dns.HmacSHA256, 300, time.Now().Unix())
	if r, _, err = c.Exchange(m, udp); err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeRefused || r.IsTsig() == nil {
		t.Errorf("signed AXFR over UDP: %v", r)
	}

	tests := []struct {
		name    string
		key     string
		secret  string // the client's
		skew    int64
		tsigErr uint16
	}{
		{"wrong secret", tsigKey, tsigOther, 0, dns.RcodeBadSig},
		{"unknown key", "other.key.", tsigSecret, 0, dns.RcodeBadKey},
		{"clock skew", tsigKey, tsigSecret, -3600, dns.RcodeBadTime},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := new(dns.Msg)
			m.SetQuestion("example.org.", dns.TypeSOA)
			m.SetTsig(tc.key, dns.HmacSHA256, 300, time.Now().Unix()+tc.skew)
			// Sign with the client's secret, but do not verify the answer:
			// it is not (or differently) signed.
			data, _, err := dns.TsigGenerate(m, tc.secret, "", false)
			if err != nil {
				t.Fatal(err)
			}
			conn, err := dns.Dial("tcp", tcp)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.Write(data); err != nil {
				t.Fatal(err)
			}
			r, err := conn.ReadMsg()
			if err != nil && r == nil {
				t.Fatal(err)
			}
			tsig := r.IsTsig()
			if r.Rcode != dns.RcodeNotAuth || len(r.Answer) != 0 || tsig == nil || tsig.Error != tc.tsigErr {
				t.Fatalf("answer: %v", r)
			}
			if tc.tsigErr != dns.RcodeBadTime && tsig.MAC != "" {
				t.Errorf("%s answer carries a MAC", dns.RcodeToString[int(tc.tsigErr)])
			}
			if tc.tsigErr == dns.RcodeBadTime && (tsig.OtherLen != 6 || tsig.MAC == "") {
				t.Errorf("BADTIME answer: other data %q, MAC %q", tsig.OtherData, tsig.MAC)
			}
		})
	}
}
