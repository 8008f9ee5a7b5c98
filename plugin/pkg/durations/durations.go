// Package durations parses durations given as Corefile arguments.
package durations

import (
	"fmt"
	"strconv"
	"time"
)

// NewDurationFromArg parses arg as either a Go duration ("30s", "1m30s") or
// a bare integer number of seconds ("30"). Negative durations are rejected.
func NewDurationFromArg(arg string) (time.Duration, error) {
	if secs, err := strconv.ParseInt(arg, 10, 64); err == nil {
		if secs < 0 {
			return 0, fmt.Errorf("duration %q must not be negative", arg)
		}
		if secs > int64(time.Duration(1<<63-1)/time.Second) {
			return 0, fmt.Errorf("duration %q is too large", arg)
		}
		return time.Duration(secs) * time.Second, nil
	}
	d, err := time.ParseDuration(arg)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: %w", arg, err)
	}
	if d < 0 {
		return 0, fmt.Errorf("duration %q must not be negative", arg)
	}
	return d, nil
}
