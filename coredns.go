// Command coredns is a DNS server that chains plugins, configured by a Corefile.
package main

//go:generate go run directives_generate.go

import (
	_ "github.com/coredns/coredns/core/plugin" // link in the plugins of plugin.cfg
	"github.com/coredns/coredns/coremain"
)

func main() {
	coremain.Run()
}
