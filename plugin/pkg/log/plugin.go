package log

import (
	"fmt"
	"os"
)

// P is a logger that prefixes every message with "plugin/NAME: ".
type P struct {
	plugin string
}

// NewWithPlugin returns a logger for the named plugin.
func NewWithPlugin(name string) P { return P{plugin: "plugin/" + name + ": "} }

func (p P) logf(level, format string, v ...any) {
	logln(level, p.plugin, fmt.Sprintf(format, v...))
	notify(level, p.plugin, fmt.Sprintf(format, v...))
}

func (p P) log(level string, v ...any) {
	logln(level, p.plugin, fmt.Sprint(v...))
	notify(level, p.plugin, fmt.Sprint(v...))
}

// Debug logs v when debugging is on.
func (p P) Debug(v ...any) {
	if D.Value() {
		p.log(debug, v...)
	}
}

// Debugf logs a formatted message when debugging is on.
func (p P) Debugf(format string, v ...any) {
	if D.Value() {
		p.logf(debug, format, v...)
	}
}

// Info logs v at level INFO.
func (p P) Info(v ...any) { p.log(info, v...) }

// Infof logs a formatted message at level INFO.
func (p P) Infof(format string, v ...any) { p.logf(info, format, v...) }

// Warning logs v at level WARNING.
func (p P) Warning(v ...any) { p.log(warning, v...) }

// Warningf logs a formatted message at level WARNING.
func (p P) Warningf(format string, v ...any) { p.logf(warning, format, v...) }

// Error logs v at level ERROR.
func (p P) Error(v ...any) { p.log(errorL, v...) }

// Errorf logs a formatted message at level ERROR.
func (p P) Errorf(format string, v ...any) { p.logf(errorL, format, v...) }

// Fatal logs v at level FATAL and exits with status 1.
func (p P) Fatal(v ...any) { p.log(fatal, v...); os.Exit(1) }

// Fatalf logs a formatted message at level FATAL and exits with status 1.
func (p P) Fatalf(format string, v ...any) { p.logf(fatal, format, v...); os.Exit(1) }
