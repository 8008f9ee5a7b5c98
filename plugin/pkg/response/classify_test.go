package response

import "testing"

func TestClassify(t *testing.T) {
	tests := []struct {
		t    Type
		want Class
	}{
		{NoError, Success},
		{Delegation, Success},
		{NameError, Denial},
		{NoData, Denial},
		{ServerError, Error},
		{OtherError, Error},
		{Meta, All},
		{Update, All},
	}
	for _, tc := range tests {
		if got := Classify(tc.t); got != tc.want {
			t.Errorf("Classify(%s) = %s, want %s", tc.t, got, tc.want)
		}
	}
}

func TestClassString(t *testing.T) {
	tests := []struct {
		c    Class
		name string
	}{
		{All, "all"},
		{Success, "success"},
		{Denial, "denial"},
		{Error, "error"},
	}
	for _, tc := range tests {
		if got := tc.c.String(); got != tc.name {
			t.Errorf("Class(%d).String() = %q, want %q", tc.c, got, tc.name)
		}
		got, err := ClassFromString(tc.name)
		if err != nil || got != tc.c {
			t.Errorf("ClassFromString(%q) = %d, %v; want %d", tc.name, got, err, tc.c)
		}
	}
	for _, bad := range []string{"", "ERROR", "bogus"} {
		if _, err := ClassFromString(bad); err == nil {
			t.Errorf("ClassFromString(%q) expected error", bad)
		}
	}
}
