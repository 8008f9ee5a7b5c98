package log

import (
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/replacer"
	"github.com/coredns/coredns/plugin/pkg/response"
)

func init() { plugin.Register("log", setup) }

func setup(c *caddy.Controller) error {
	rules, err := logParse(c)
	if err != nil {
		return plugin.Error("log", err)
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		return Logger{Next: next, Rules: rules, repl: replacer.New()}
	})
	return nil
}

// logParse reads every log line of the server block. Each line gives rules
// for one or more names, all sharing the line's format and classes.
func logParse(c *caddy.Controller) ([]Rule, error) {
	var rules []Rule
	for c.Next() {
		names, format := lineArgs(c.RemainingArgs())

		classes := map[response.Class]struct{}{}
		for c.NextBlock() {
			switch c.Val() {
			case "class":
				args := c.RemainingArgs()
				if len(args) == 0 {
					return nil, c.ArgErr()
				}
				for _, a := range args {
					cls, err := response.ClassFromString(a)
					if err != nil {
						return nil, c.Errf("unknown class %q", a)
					}
					classes[cls] = struct{}{}
				}
			default:
				return nil, c.Errf("unknown property %q", c.Val())
			}
		}
		if len(classes) == 0 {
			classes[response.All] = struct{}{}
		}

		for _, n := range names {
			rules = append(rules, Rule{NameScope: n, Format: format, Class: classes})
		}
	}
	return rules, nil
}

// lineArgs splits the arguments of one log line into names and a format.
// With no arguments the line logs everything in the default format; a single
// argument is a name; with more, the last one is the format when it holds a
// placeholder.
func lineArgs(args []string) ([]string, string) {
	format := DefaultLogFormat
	if len(args) == 0 {
		return []string{"."}, format
	}
	if last := args[len(args)-1]; len(args) > 1 && strings.Contains(last, "{") {
		format = strings.ReplaceAll(last, "{common}", CommonLogFormat)
		format = strings.ReplaceAll(format, "{combined}", CombinedLogFormat)
		args = args[:len(args)-1]
	}
	names := make([]string, len(args))
	for i, a := range args {
		names[i] = plugin.Name(a).Normalize()
	}
	return names, format
}
