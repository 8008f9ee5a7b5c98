package nomad

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/nomad/api"
)

// fakeNomad imitates the two endpoints of the Nomad HTTP API the plugin
// uses: GET /v1/service/:name?namespace=NS and GET /v1/agent/self.
type fakeNomad struct {
	token    string                                          // required X-Nomad-Token, if set
	services map[string]map[string][]api.ServiceRegistration // namespace -> service -> registrations
	hits     atomic.Int32
}

func (f *fakeNomad) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.hits.Add(1)
	if f.token != "" && r.Header.Get("X-Nomad-Token") != f.token {
		http.Error(w, "Permission denied", http.StatusForbidden)
		return
	}
	switch {
	case r.URL.Path == "/v1/agent/self":
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"config":{"Region":"global"},"member":{"Name":"fake"},"stats":{}}`))
	case strings.HasPrefix(r.URL.Path, "/v1/service/"):
		ns := r.URL.Query().Get("namespace")
		if ns == "" {
			ns = "default"
		}
		regs := f.services[ns][strings.TrimPrefix(r.URL.Path, "/v1/service/")]
		if regs == nil {
			regs = []api.ServiceRegistration{}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Nomad-Index", "7")
		json.NewEncoder(w).Encode(regs)
	default:
		http.NotFound(w, r)
	}
}

// newFakeNomad starts a fake Nomad agent with a few services registered.
func newFakeNomad(t *testing.T, token string) (*fakeNomad, *httptest.Server) {
	t.Helper()
	f := &fakeNomad{token: token, services: map[string]map[string][]api.ServiceRegistration{
		"default": {
			"redis": {
				{ServiceName: "redis", Namespace: "default", Address: "192.0.2.10", Port: 6379},
				{ServiceName: "redis", Namespace: "default", Address: "192.0.2.11", Port: 6380},
				{ServiceName: "redis", Namespace: "default", Address: "2001:db8::10", Port: 6381},
			},
			"web": {
				{ServiceName: "web", Namespace: "default", Address: "2001:db8::80", Port: 8080},
			},
		},
		"prod": {
			"redis": {
				{ServiceName: "redis", Namespace: "prod", Address: "198.51.100.1", Port: 7000},
			},
		},
	}}
	s := httptest.NewServer(f)
	t.Cleanup(s.Close)
	return f, s
}
