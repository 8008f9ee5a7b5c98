package loadbalance

import "testing"

func FuzzParseWeights(f *testing.F) {
	f.Add([]byte("www.example.org\n192.0.2.1 3\n2001:db8::1 255\n"))
	f.Add([]byte("# c\n\na.example.org.\n"))
	f.Add([]byte("192.0.2.1 3\n"))
	f.Add([]byte("a\n1.2.3.4 0 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		byName, err := parseWeights(data)
		if err != nil {
			return
		}
		for name, ws := range byName {
			if name == "" || name[len(name)-1] != '.' {
				t.Fatalf("name %q is not fully qualified", name)
			}
			for _, w := range ws {
				if w.weight == 0 || !w.addr.IsValid() {
					t.Fatalf("bad weight %v for %s", w, name)
				}
			}
		}
	})
}
