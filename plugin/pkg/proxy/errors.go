package proxy

import "errors"

// ErrTransportStopped is the text of the error Dial returns once the
// Transport has been stopped.
const ErrTransportStopped = "proxy: transport stopped"

var (
	// ErrNoHealthy means no upstream could be used for a query.
	ErrNoHealthy = errors.New("no healthy proxies")
	// ErrNoForward means there is no upstream to forward to at all.
	ErrNoForward = errors.New("no forwarder defined")
	// ErrCachedClosed means a cached connection turned out to be closed by
	// the other end; the query may be retried on a fresh connection.
	ErrCachedClosed = errors.New("cached connection was closed by peer")
	// ErrInvalidRequest means the query cannot be forwarded, e.g. because it
	// has no question.
	ErrInvalidRequest = errors.New("invalid request")

	errTransportStopped = errors.New(ErrTransportStopped)
)
