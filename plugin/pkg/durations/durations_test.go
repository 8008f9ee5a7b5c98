package durations

import (
	"testing"
	"time"
)

func TestNewDurationFromArg(t *testing.T) {
	tests := []struct {
		arg     string
		want    time.Duration
		wantErr bool
	}{
		{"30", 30 * time.Second, false},
		{"0", 0, false},
		{"30s", 30 * time.Second, false},
		{"1m", time.Minute, false},
		{"1h30m", 90 * time.Minute, false},
		{"500ms", 500 * time.Millisecond, false},
		{"-1", 0, true},
		{"-5s", 0, true},
		{"", 0, true},
		{"abc", 0, true},
		{"1d", 0, true},
		{"1.5", 0, true},
		{"99999999999999999999", 0, true},
		{"9999999999999", 0, true},
	}
	for _, tc := range tests {
		got, err := NewDurationFromArg(tc.arg)
		if (err != nil) != tc.wantErr {
			t.Errorf("NewDurationFromArg(%q) error = %v, want error %v", tc.arg, err, tc.wantErr)
			continue
		}
		if got != tc.want {
			t.Errorf("NewDurationFromArg(%q) = %s, want %s", tc.arg, got, tc.want)
		}
	}
}
