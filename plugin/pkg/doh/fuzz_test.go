package doh

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
)

// FuzzRequestToMsg feeds arbitrary GET parameters and POST bodies to the
// request parser; it must never panic.
func FuzzRequestToMsg(f *testing.F) {
	f.Add([]byte{0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1}, "AAABAAABAAAAAAAAAAABAAE")
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, body []byte, param string) {
		post, _ := http.NewRequest(http.MethodPost, "https://x"+Path, bytes.NewReader(body))
		RequestToMsg(post) //nolint:errcheck // only panics matter
		get, _ := http.NewRequest(http.MethodGet, "https://x"+Path+"?dns="+url.QueryEscape(param), nil)
		RequestToMsg(get) //nolint:errcheck // only panics matter
	})
}
