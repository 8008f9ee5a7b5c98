package uniq

import (
	"errors"
	"slices"
	"testing"
)

func TestForEach(t *testing.T) {
	var ran []string
	record := func(name string, err error) func() error {
		return func() error {
			ran = append(ran, name)
			return err
		}
	}
	errB := errors.New("b failed")
	errC := errors.New("c failed")

	u := New()
	u.Set("a", record("a", nil))
	u.Set("b", record("b", errB))
	u.Set("a", record("a-dup", nil)) // ignored: first registration wins
	u.Set("c", record("c", errC))
	u.Set("d", record("d", nil))
	u.Unset("d")
	u.Unset("missing")

	tests := []struct {
		name    string
		setup   func()
		wantRan []string
		wantErr error
	}{
		{"first run", func() {}, []string{"a", "b", "c"}, errB},
		{"nothing left", func() {}, nil, nil},
		{"new key", func() { u.Set("e", record("e", nil)) }, []string{"e"}, nil},
		{"done key is not rerun", func() { u.Set("a", record("a-again", nil)) }, nil, nil},
		{"unset then set reruns", func() { u.Unset("a"); u.Set("a", record("a-again", nil)) }, []string{"a-again"}, nil},
	}
	for _, tc := range tests {
		ran = nil
		tc.setup()
		err := u.ForEach()
		if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
			t.Errorf("%s: ForEach() = %v, want %v", tc.name, err, tc.wantErr)
		}
		if !slices.Equal(ran, tc.wantRan) {
			t.Errorf("%s: ran %v, want %v", tc.name, ran, tc.wantRan)
		}
	}
}

func TestForEachReentrant(t *testing.T) {
	u := New()
	u.Set("outer", func() error {
		u.Set("inner", func() error { return nil })
		return nil
	})
	if err := u.ForEach(); err != nil {
		t.Fatal(err)
	}
	inner := false
	u.Set("inner", func() error { inner = true; return nil }) // already registered
	if err := u.ForEach(); err != nil {
		t.Fatal(err)
	}
	if inner {
		t.Error("second registration of inner ran")
	}
}
