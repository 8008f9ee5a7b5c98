package file

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"time"

	"github.com/coredns/coredns/plugin/transfer"

	"github.com/miekg/dns"
)

// TransferInFunc fetches a zone from its primaries into z; t, when not nil,
// is told about the new data so it can notify secondaries further down.
type TransferInFunc func(z *Zone, t *transfer.Transfer) error

// xfrTimeout bounds the dialing, reading and writing of one transfer from a
// primary.
const xfrTimeout = 10 * time.Second

// TransferIn fetches the zone with AXFR from the first primary in
// TransferFrom that answers and swaps the result in.
func (z *Zone) TransferIn(t *transfer.Transfer) error {
	return z.TransferInWithRecords(t, nil)
}

// TransferInWithRecords is TransferIn with a check: validate, when not nil,
// sees every record received and may refuse the transfer with an error.
func (z *Zone) TransferInWithRecords(t *transfer.Transfer, validate func([]dns.RR) error) error {
	if len(z.TransferFrom) == 0 {
		return fmt.Errorf("zone %q: no primary to transfer from", z.origin)
	}
	z.xfrIn.Lock()
	defer z.xfrIn.Unlock()
	var err error
	for _, primary := range z.TransferFrom {
		var z1 *Zone
		z1, err = z.axfrFrom(primary, validate)
		if err != nil {
			log.Errorf("Failed to transfer %q from %q: %v", z.origin, primary, err)
			continue
		}
		z.Lock()
		z.Apex = z1.Apex
		z.Tree = z1.Tree
		z.idx = z1.idx
		z.soaRRs = z1.soaRRs
		z.Expired = false
		z.Unlock()
		log.Infof("Transferred: %s from %s", z.origin, primary)
		if t != nil {
			go t.Notify(z.origin) //nolint:errcheck // failures are logged
		}
		return nil
	}
	return err
}

// axfrFrom transfers the zone from primary into a new zone.
func (z *Zone) axfrFrom(primary string, validate func([]dns.RR) error) (*Zone, error) {
	m := new(dns.Msg)
	m.SetAxfr(z.origin)
	tr := &dns.Transfer{DialTimeout: xfrTimeout, ReadTimeout: xfrTimeout, WriteTimeout: xfrTimeout}
	in, err := tr.In(m, primary)
	if err != nil {
		return nil, err
	}
	z1 := z.CopyWithoutApex()
	var all []dns.RR
	for env := range in {
		if env.Error != nil {
			for range in { // let the reader finish
			}
			return nil, env.Error
		}
		for _, rr := range env.RR {
			if !dns.IsSubDomain(z.origin, rr.Header().Name) {
				continue // not ours: never let a primary write outside the zone
			}
			if err := z1.Insert(rr); err != nil {
				for range in {
				}
				return nil, err
			}
			if validate != nil {
				all = append(all, rr)
			}
		}
	}
	if z1.Apex.SOA == nil {
		return nil, errors.New("transfer carried no SOA")
	}
	if validate != nil {
		if err := validate(all); err != nil {
			return nil, err
		}
	}
	return z1, nil
}

// shouldTransfer asks the primaries for the zone's SOA and reports whether
// one of them has a newer serial than ours. The error is that of the last
// primary tried when none answered.
func (z *Zone) shouldTransfer() (bool, error) {
	c := &dns.Client{Net: "udp", Timeout: 2 * time.Second}
	m := new(dns.Msg)
	m.SetQuestion(z.origin, dns.TypeSOA)

	var err error
	for _, primary := range z.TransferFrom {
		var ret *dns.Msg
		ret, _, err = c.Exchange(m, primary)
		if err != nil {
			continue
		}
		if ret.Truncated {
			tcp := &dns.Client{Net: "tcp", Timeout: 2 * time.Second}
			if ret, _, err = tcp.Exchange(m, primary); err != nil {
				continue
			}
		}
		if ret.Rcode != dns.RcodeSuccess {
			err = fmt.Errorf("primary %q answered the SOA query with rcode %s", primary, dns.RcodeToString[ret.Rcode])
			continue
		}
		for _, rr := range ret.Answer {
			if soa, ok := rr.(*dns.SOA); ok {
				ours := z.SOASerialIfDefined()
				if ours < 0 {
					return true, nil
				}
				return newerSerial(soa.Serial, uint32(ours)), nil
			}
		}
		err = fmt.Errorf("primary %q sent no SOA for %q", primary, z.origin)
	}
	return false, err
}

// isNotify reports whether a NOTIFY came from one of the zone's primaries.
func (z *Zone) isNotify(ip string) bool {
	for _, primary := range z.TransferFrom {
		host, _, err := net.SplitHostPort(primary)
		if err != nil {
			host = primary
		}
		if host == ip {
			return true
		}
	}
	return false
}

// Update keeps the zone fresh by the timers of its SOA: every refresh
// interval it asks the primaries for the serial and transfers the zone when
// it grew; after a failure it tries again every retry interval, and when no
// primary could be reached for the expire interval the zone stops being
// served. It returns when updateShutdown is closed or sent to.
func (z *Zone) Update(updateShutdown chan bool, t *transfer.Transfer) error {
	return z.UpdateWithTransfer(updateShutdown, t, (*Zone).TransferIn)
}

// UpdateWithTransfer is Update with transferIn fetching the zone.
func (z *Zone) UpdateWithTransfer(updateShutdown chan bool, t *transfer.Transfer, transferIn TransferInFunc) error {
	lastOK := time.Now()
	refresh, _, _ := z.timers()
	timer := time.NewTimer(refresh + jitter(refresh, 5*time.Second))
	defer timer.Stop()
	for {
		select {
		case <-updateShutdown:
			return nil
		case <-timer.C:
		}

		ok, err := z.shouldTransfer()
		if err == nil && ok {
			err = transferIn(z, t)
		}
		refresh, retry, expire := z.timers()
		if err == nil {
			lastOK = time.Now()
			z.setExpired(false)
			timer.Reset(refresh + jitter(refresh, 5*time.Second))
			continue
		}

		log.Warningf("Failed to refresh zone %q: %v", z.origin, err)
		left := time.Until(lastOK.Add(expire))
		if left <= 0 {
			if z.setExpired(true) {
				log.Errorf("Zone %q expired: no primary reached for %s", z.origin, expire)
			}
			timer.Reset(retry + jitter(retry, 2*time.Second))
			continue
		}
		next := retry + jitter(retry, 2*time.Second)
		if left < next {
			next = left
		}
		timer.Reset(next)
	}
}

// defaultRetry is the retry interval used while the zone has no SOA.
const defaultRetry = 10 * time.Second

// timers returns the refresh, retry and expire intervals of the zone's SOA.
func (z *Zone) timers() (refresh, retry, expire time.Duration) {
	z.RLock()
	defer z.RUnlock()
	if z.Apex.SOA == nil {
		return defaultRetry, defaultRetry, 0
	}
	soa := z.Apex.SOA
	refresh = time.Duration(soa.Refresh) * time.Second
	retry = time.Duration(soa.Retry) * time.Second
	expire = time.Duration(soa.Expire) * time.Second
	if refresh <= 0 {
		refresh = time.Second
	}
	if retry <= 0 {
		retry = time.Second
	}
	return refresh, retry, expire
}

// setExpired sets the Expired flag and reports whether it changed.
func (z *Zone) setExpired(v bool) bool {
	z.Lock()
	defer z.Unlock()
	changed := z.Expired != v
	z.Expired = v
	return changed
}

// jitter returns a random duration below limit, and below a quarter of
// interval, so that short test timers stay short.
func jitter(interval, limit time.Duration) time.Duration {
	limit = min(limit, interval/4)
	if limit <= 0 {
		return 0
	}
	return rand.N(limit)
}
