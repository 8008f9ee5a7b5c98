package erratic

// Ready implements the ready.Readiness interface. To let tests watch the ready
// plugin change its mind, erratic is ready only while it has seen 3 or 4
// queries, and not ready before or after.
func (e *Erratic) Ready() bool {
	q := e.q.Load()
	return q >= 3 && q < 5
}
