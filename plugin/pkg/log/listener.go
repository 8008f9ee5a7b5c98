package log

import (
	"fmt"
	"strings"
	"sync"
)

// Listener receives a copy of every message logged through a plugin logger.
type Listener interface {
	Name() string
	Debug(plugin string, v ...any)
	Debugf(plugin string, format string, v ...any)
	Info(plugin string, v ...any)
	Infof(plugin string, format string, v ...any)
	Warning(plugin string, v ...any)
	Warningf(plugin string, format string, v ...any)
	Error(plugin string, v ...any)
	Errorf(plugin string, format string, v ...any)
	Fatal(plugin string, v ...any)
	Fatalf(plugin string, format string, v ...any)
}

var (
	listenersMu sync.RWMutex
	listeners   []Listener
)

// RegisterListener adds l; its name must be unique.
func RegisterListener(new Listener) error { //nolint:predeclared // name fixed by the CoreDNS API
	listenersMu.Lock()
	defer listenersMu.Unlock()
	for _, l := range listeners {
		if l.Name() == new.Name() {
			return fmt.Errorf("listener %q is already registered", new.Name())
		}
	}
	listeners = append(listeners, new)
	return nil
}

// DeregisterListener removes the listener with old's name.
func DeregisterListener(old Listener) error {
	listenersMu.Lock()
	defer listenersMu.Unlock()
	for i, l := range listeners {
		if l.Name() == old.Name() {
			listeners = append(listeners[:i], listeners[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("listener %q is not registered", old.Name())
}

// notify hands a plugin's message to every listener.
func notify(level, prefix, msg string) {
	listenersMu.RLock()
	defer listenersMu.RUnlock()
	if len(listeners) == 0 {
		return
	}
	name := strings.TrimSuffix(strings.TrimPrefix(prefix, "plugin/"), ": ")
	for _, l := range listeners {
		switch level {
		case debug:
			l.Debug(name, msg)
		case info:
			l.Info(name, msg)
		case warning:
			l.Warning(name, msg)
		case errorL:
			l.Error(name, msg)
		case fatal:
			l.Fatal(name, msg)
		}
	}
}
