// Package log is the logger plugins use. Every line carries its level, e.g.
// "[INFO] ", and loggers made with NewWithPlugin add "plugin/NAME: ".
// Debug output appears only while D is set (by the debug plugin).
package log

import (
	"fmt"
	golog "log"
	"os"
	"sync/atomic"
)

// d is the debug switch; see D.
type d struct{ on atomic.Bool }

// D controls whether debug messages are printed.
var D = &d{}

// Set turns debug logging on.
func (d *d) Set() { d.on.Store(true) }

// Clear turns debug logging off.
func (d *d) Clear() { d.on.Store(false) }

// Value reports whether debug logging is on.
func (d *d) Value() bool { return d.on.Load() }

const (
	debug   = "[DEBUG] "
	info    = "[INFO] "
	warning = "[WARNING] "
	errorL  = "[ERROR] "
	fatal   = "[FATAL] "
)

func logf(level, format string, v ...any) {
	golog.Print(level, fmt.Sprintf(format, v...))
}

func logln(level string, v ...any) {
	golog.Print(level, fmt.Sprint(v...))
}

// Debug logs v when debugging is on.
func Debug(v ...any) {
	if D.Value() {
		logln(debug, v...)
	}
}

// Debugf logs a formatted message when debugging is on.
func Debugf(format string, v ...any) {
	if D.Value() {
		logf(debug, format, v...)
	}
}

// Info logs v at level INFO.
func Info(v ...any) { logln(info, v...) }

// Infof logs a formatted message at level INFO.
func Infof(format string, v ...any) { logf(info, format, v...) }

// Warning logs v at level WARNING.
func Warning(v ...any) { logln(warning, v...) }

// Warningf logs a formatted message at level WARNING.
func Warningf(format string, v ...any) { logf(warning, format, v...) }

// Error logs v at level ERROR.
func Error(v ...any) { logln(errorL, v...) }

// Errorf logs a formatted message at level ERROR.
func Errorf(format string, v ...any) { logf(errorL, format, v...) }

// Fatal logs v at level FATAL and exits with status 1.
func Fatal(v ...any) { logln(fatal, v...); os.Exit(1) }

// Fatalf logs a formatted message at level FATAL and exits with status 1.
func Fatalf(format string, v ...any) { logf(fatal, format, v...); os.Exit(1) }

// Discard sends all log output nowhere; for tests.
func Discard() { golog.SetOutput(discard{}) }

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
