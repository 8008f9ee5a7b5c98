package test

import (
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// failingQuery sends a query for qname, which the server must answer with
// SERVFAIL (nothing after errors in the chain answers it).
func failingQuery(t *testing.T, network, addr, qname string) {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(qname, dns.TypeA)
	c := dns.Client{Net: network}
	resp, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Rcode != dns.RcodeServerFailure || len(resp.Answer)+len(resp.Ns)+len(resp.Extra) != 0 ||
		resp.Question[0].Name != qname || !resp.Response {
		t.Errorf("%s %s: unexpected answer %v", network, qname, resp)
	}
}

func TestErrorsLogged(t *testing.T) {
	buf := captureStdLog(t)
	corefile := `.:0 {
		bind 127.0.0.1
		errors
	}`
	i, udp, tcp := startLogServer(t, corefile)
	defer i.Stop()

	failingQuery(t, "udp", udp, "Example.ORG.")
	failingQuery(t, "tcp", tcp, "www.example.org.")
	want := []string{
		"[ERROR] plugin/errors: 2 example.org. A: plugin/errors: no next plugin found",
		"[ERROR] plugin/errors: 2 www.example.org. A: plugin/errors: no next plugin found",
	}
	got := buf.wait("[ERROR] plugin/errors:", len(want))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("logged\n%q\nwant\n%q", got, want)
	}
}

func TestErrorsConsolidatedUntilShutdown(t *testing.T) {
	buf := captureStdLog(t)
	corefile := `.:0 {
		bind 127.0.0.1
		errors {
			consolidate 1h "no next plugin" warning show_first
		}
	}`
	i, udp, _ := startLogServer(t, corefile)
	for _, q := range []string{"a.example.org.", "b.example.org.", "c.example.org."} {
		failingQuery(t, "udp", udp, q)
	}
	// Only the first one is logged in full while the period runs.
	first := "[WARNING] plugin/errors: 2 a.example.org. A: plugin/errors: no next plugin found"
	if got := buf.wait("[WARNING] plugin/errors:", 1); len(got) != 1 || got[0] != first {
		t.Errorf("during the period, logged %q, want %q", got, first)
	}
	// Shutting down reports what was counted.
	i.ShutdownCallbacks()
	i.Stop()
	summary := "[WARNING] plugin/errors: 3 errors like 'no next plugin' occurred in last 1h0m0s"
	if got := buf.wait("[WARNING] plugin/errors:", 2); len(got) != 2 || got[1] != summary {
		t.Errorf("at shutdown, logged %q, want second line %q", got, summary)
	}
}

func TestErrorsStacktraceAndLogTogether(t *testing.T) {
	buf := captureStdLog(t)
	corefile := `.:0 {
		bind 127.0.0.1
		errors stdout {
			stacktrace
		}
		log . "{name} {rcode}"
	}`
	i, udp, _ := startLogServer(t, corefile)
	defer i.Stop()

	failingQuery(t, "udp", udp, "example.org.")
	if got := buf.wait("[INFO] example.org.", 1); len(got) != 1 || got[0] != "[INFO] example.org. SERVFAIL" {
		t.Errorf("log plugin wrote %q", got)
	}
	want := "[ERROR] plugin/errors: 2 example.org. A: plugin/log: no next plugin found"
	if got := buf.wait("[ERROR] plugin/errors:", 1); len(got) != 1 || got[0] != want {
		t.Errorf("errors plugin wrote %q, want %q", got, want)
	}
}

func TestErrorsBadCorefile(t *testing.T) {
	for _, corefile := range []string{
		".:0 {\n bind 127.0.0.1\n errors /var/log/errors.log\n}",
		".:0 {\n bind 127.0.0.1\n errors\n errors\n}",
		".:0 {\n bind 127.0.0.1\n errors {\n consolidate 1m (\n }\n}",
		".:0 {\n bind 127.0.0.1\n log {\n class sometimes\n }\n}",
	} {
		i, _, _, err := CoreDNSServerAndPorts(corefile)
		if err == nil {
			i.Stop()
			t.Errorf("server started with a bad Corefile:\n%s", corefile)
			continue
		}
		if !strings.Contains(err.Error(), "Corefile:") {
			t.Errorf("error %q does not name the Corefile", err)
		}
	}
}
