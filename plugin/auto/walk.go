package auto

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/file"

	"github.com/miekg/dns"
)

// Walk scans the directory (and its subdirectories): it loads zone files
// not seen before and drops zones whose file is gone. Changes to files
// already loaded are picked up by each zone's own reload loop.
func (a Auto) Walk() error {
	keep := make(map[string]bool) // origins whose file is still there

	err := filepath.WalkDir(a.loader.directory, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == a.loader.directory {
				return err
			}
			log.Warningf("Skipping %q: %v", path, err)
			return nil
		}
		if d.IsDir() {
			return nil
		}
		origin, ok := a.loader.origin(d.Name())
		if !ok || plugin.Zones(a.Zones.origins).Matches(origin) == "" {
			return nil
		}
		if keep[origin] {
			return nil // another file already gave this origin
		}
		if z := a.Zones.get(origin); z != nil {
			if z.File() == path {
				keep[origin] = true
			}
			return nil
		}
		if zo := a.load(path, origin); zo != nil {
			a.Zones.Add(zo, origin, a.transfer)
			keep[origin] = true
			log.Infof("Loaded zone %q from %q", origin, path)
			a.transfer.Notify(origin) //nolint:errcheck // failures are logged
		}
		return nil
	})
	if err != nil {
		// The directory itself cannot be read: keep serving what we have.
		return err
	}

	for _, origin := range a.Zones.Names() {
		if !keep[origin] {
			a.Zones.Remove(origin)
			log.Infof("Removed zone %q: its file is gone", origin)
		}
	}
	return nil
}

// load parses the zone file at path for origin; it logs and returns nil
// when the file cannot be used.
func (a Auto) load(path, origin string) *file.Zone {
	f, err := os.Open(filepath.Clean(path))
	if err != nil {
		log.Warningf("Opening zone %q from %q: %v", origin, path, err)
		return nil
	}
	defer f.Close()
	zo, err := file.Parse(f, origin, path, -1)
	if err != nil {
		log.Warningf("Parsing zone %q from %q: %v", origin, path, err)
		return nil
	}
	zo.ReloadInterval = a.loader.ReloadInterval
	zo.Upstream = a.loader.upstream
	return zo
}

// origin derives a zone name from a file name with the pattern and
// template; ok is false when the name does not match or the result is not
// a domain name.
func (l loader) origin(name string) (string, bool) {
	m := l.re.FindStringSubmatchIndex(name)
	if m == nil {
		return "", false
	}
	origin := string(l.re.ExpandString(nil, l.template, name, m))
	if origin == "" {
		return "", false
	}
	origin = strings.ToLower(dns.Fqdn(origin))
	if _, ok := dns.IsDomainName(origin); !ok {
		return "", false
	}
	return origin, true
}
