package kubernetes

// Ready implements the ready plugin's Readiness: true once every informer
// has its initial list.
func (k *Kubernetes) Ready() bool {
	return k.apiConn != nil && k.apiConn.HasSynced()
}
