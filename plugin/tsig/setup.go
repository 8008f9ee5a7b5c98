package tsig

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

func init() { plugin.Register("tsig", setup) }

func setup(c *caddy.Controller) error {
	t, err := parse(c)
	if err != nil {
		return plugin.Error("tsig", err)
	}

	config := dnsserver.GetConfig(c)
	// The server verifies signatures with these secrets before any plugin
	// runs; w.TsigStatus reports the outcome.
	if config.TsigSecret == nil {
		config.TsigSecret = make(map[string]string, len(t.secrets))
	}
	for name, secret := range t.secrets {
		config.TsigSecret[name] = secret
	}

	config.AddPlugin(func(next plugin.Handler) plugin.Handler {
		t.Next = next
		return t
	})
	return nil
}

// parse reads the tsig line of the server block.
func parse(c *caddy.Controller) (*TSIGServer, error) {
	t := &TSIGServer{secrets: make(map[string]string), types: qTypes{}}
	config := dnsserver.GetConfig(c)
	seen := false
	for c.Next() {
		if seen {
			return nil, plugin.ErrOnce
		}
		seen = true
		t.Zones = plugin.OriginsFromArgsOrServerBlock(c.RemainingArgs(), c.ServerBlockKeys)
		for c.NextBlock() {
			switch c.Val() {
			case "secret":
				args := c.RemainingArgs()
				if len(args) != 2 {
					return nil, c.ArgErr()
				}
				if err := t.addSecret(args[0], args[1]); err != nil {
					return nil, c.Errf("%v", err)
				}
			case "secrets":
				args := c.RemainingArgs()
				if len(args) != 1 {
					return nil, c.ArgErr()
				}
				path := args[0]
				if !filepath.IsAbs(path) && config.Root != "" {
					path = filepath.Join(config.Root, path)
				}
				keys, err := readSecrets(path)
				if err != nil {
					return nil, c.Errf("%v", err)
				}
				for _, k := range keys {
					if err := t.addSecret(k.name, k.secret); err != nil {
						return nil, c.Errf("%s: %v", path, err)
					}
				}
			case "require":
				args := c.RemainingArgs()
				if len(args) == 0 {
					return nil, c.ArgErr()
				}
				t.types, t.all = qTypes{}, false
				if len(args) == 1 && (args[0] == "all" || args[0] == "none") {
					t.all = args[0] == "all"
					continue
				}
				for _, a := range args {
					qt, ok := dns.StringToType[strings.ToUpper(a)]
					if !ok {
						return nil, c.Errf("unknown query type '%s'", a)
					}
					t.types[qt] = struct{}{}
				}
			default:
				return nil, c.Errf("unknown property '%s'", c.Val())
			}
		}
	}
	return t, nil
}

// addSecret adds a key; a key name may be defined once.
func (t *TSIGServer) addSecret(name, secret string) error {
	name = dns.CanonicalName(name)
	if _, ok := t.secrets[name]; ok {
		return fmt.Errorf("key %q redefined", name)
	}
	if _, err := base64.StdEncoding.DecodeString(secret); err != nil {
		return fmt.Errorf("secret of key %q is not valid base64: %v", name, err)
	}
	t.secrets[name] = secret
	return nil
}

// key is one key read from a secrets file.
type key struct {
	name, secret string
}

// readSecrets reads keys in named.conf format from path:
//
//	key "name." {
//		algorithm hmac-sha256;
//		secret "base64==";
//	};
func readSecrets(path string) ([]key, error) {
	data, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		return nil, err
	}
	return parseSecrets(string(data))
}

// parseSecrets parses the text of a secrets file.
func parseSecrets(text string) ([]key, error) {
	toks, err := tokenize(text)
	if err != nil {
		return nil, err
	}
	var keys []key
	for i := 0; i < len(toks); {
		if toks[i].text != "key" || toks[i].quoted {
			return nil, fmt.Errorf("line %d: expected 'key', got %q", toks[i].line, toks[i].text)
		}
		if i+2 >= len(toks) || toks[i+2].text != "{" {
			return nil, fmt.Errorf("line %d: expected 'key NAME {'", toks[i].line)
		}
		k := key{name: toks[i+1].text}
		i += 3
		for {
			if i >= len(toks) {
				return nil, fmt.Errorf("key %q: missing '}'", k.name)
			}
			tok := toks[i]
			if tok.text == "}" && !tok.quoted {
				i++
				break
			}
			if i+2 >= len(toks) || toks[i+2].text != ";" {
				return nil, fmt.Errorf("line %d: expected 'OPTION VALUE;'", tok.line)
			}
			switch tok.text {
			case "secret":
				k.secret = toks[i+1].text
			case "algorithm":
				// Accepted and ignored: the client's algorithm is used.
			default:
				return nil, fmt.Errorf("line %d: unknown option %q in key %q", tok.line, tok.text, k.name)
			}
			i += 3
		}
		if i < len(toks) && toks[i].text == ";" && !toks[i].quoted {
			i++
		}
		if k.secret == "" {
			return nil, fmt.Errorf("key %q has no secret", k.name)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// token is a word, a quoted string or one of "{", "}", ";".
type token struct {
	text   string
	quoted bool
	line   int
}

// tokenize splits named.conf text into tokens, dropping #, // and /* */
// comments.
func tokenize(s string) ([]token, error) {
	var toks []token
	line := 1
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == '\n':
			line++
			i++
		case ch == ' ' || ch == '\t' || ch == '\r':
			i++
		case ch == '#' || strings.HasPrefix(s[i:], "//"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return nil, fmt.Errorf("line %d: unterminated comment", line)
			}
			line += strings.Count(s[i:i+2+end], "\n")
			i += end + 4
		case ch == '{' || ch == '}' || ch == ';':
			toks = append(toks, token{text: string(ch), line: line})
			i++
		case ch == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("line %d: unterminated string", line)
			}
			toks = append(toks, token{text: s[i+1 : i+1+end], quoted: true, line: line})
			i += end + 2
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n{};\"#", rune(s[j])) {
				j++
			}
			toks = append(toks, token{text: s[i:j], line: line})
			i = j
		}
	}
	return toks, nil
}
