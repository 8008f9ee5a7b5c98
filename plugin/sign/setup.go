package sign

import (
	"fmt"
	"path/filepath"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"
)

var log = clog.NewWithPlugin("sign")

// defaultDirectory is where signed zones are written when no directory is given.
const defaultDirectory = "/var/lib/coredns"

func init() { plugin.Register("sign", setup) }

func setup(c *caddy.Controller) error {
	s, err := parse(c)
	if err != nil {
		return plugin.Error("sign", err)
	}
	c.OnStartup(s.OnStartup)
	c.OnShutdown(s.OnShutdown)
	// sign serves nothing: it only writes files for file or auto to serve.
	return nil
}

// parse reads the sign directives:
//
//	sign DBFILE [ZONES...] {
//	    key file|directory KEY...|DIR...
//	    directory DIR
//	}
func parse(c *caddy.Controller) (*Sign, error) {
	root := dnsserver.GetConfig(c).Root
	s := &Sign{}
	for c.Next() {
		if !c.NextArg() {
			return nil, c.ArgErr()
		}
		dbfile := inRoot(root, c.Val())
		origins := plugin.OriginsFromArgsOrServerBlock(c.RemainingArgs(), c.ServerBlockKeys)

		directory := defaultDirectory
		var keyFiles, keyDirs []string
		for c.NextBlock() {
			switch x := c.Val(); x {
			case "key":
				if !c.NextArg() {
					return nil, c.ArgErr()
				}
				how := c.Val()
				args := c.RemainingArgs()
				if len(args) == 0 {
					return nil, c.ArgErr()
				}
				switch how {
				case "file":
					keyFiles = append(keyFiles, args...)
				case "directory":
					keyDirs = append(keyDirs, args...)
				default:
					return nil, c.Errf("unknown key source %q, want \"file\" or \"directory\"", how)
				}
			case "directory":
				if !c.NextArg() {
					return nil, c.ArgErr()
				}
				directory = inRoot(root, c.Val())
				if c.NextArg() {
					return nil, c.ArgErr()
				}
			default:
				return nil, c.Errf("unknown property %q", x)
			}
		}
		if len(keyFiles) == 0 && len(keyDirs) == 0 {
			return nil, c.Err("no keys given: need \"key file\" or \"key directory\"")
		}

		fileKeys, err := keysFromFiles(keyFiles)
		if err != nil {
			return nil, c.Err(err.Error())
		}
		for _, origin := range origins {
			keys := append([]Pair(nil), fileKeys...)
			for _, dir := range keyDirs {
				k, err := keysFromDirectory(inRoot(root, dir), origin)
				if err != nil {
					return nil, c.Err(err.Error())
				}
				keys = append(keys, k...)
			}
			s.signers = append(s.signers, newSigner(origin, dbfile, directory, keys))
		}
	}
	for _, sig := range s.signers {
		log.Debug(fmt.Sprintf("Will sign %q from %q into %q", sig.origin, sig.dbfile, sig.signedfile))
	}
	return s, nil
}

// inRoot prefixes a relative path with the root directory, if there is one.
func inRoot(root, path string) string {
	if filepath.IsAbs(path) || root == "" {
		return path
	}
	return filepath.Join(root, path)
}
