// Package sign implements a plugin that DNSSEC signs zone files ahead of
// time and keeps them signed; the file and auto plugins serve the result.
package sign

// Sign holds the signers of one sign directive.
type Sign struct {
	signers []*Signer
}

// OnStartup starts signing in the background.
func (s *Sign) OnStartup() error {
	for _, sig := range s.signers {
		sig.start()
	}
	return nil
}

// OnShutdown stops the background signing.
func (s *Sign) OnShutdown() error {
	for _, sig := range s.signers {
		sig.shutdown()
	}
	return nil
}
