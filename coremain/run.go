// Package coremain starts CoreDNS: it parses the command line, loads the
// Corefile and runs the servers until a signal stops them.
package coremain

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"sort"
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func init() {
	caddy.DefaultConfigFile = "Corefile"
	caddy.Quiet = true // caddy's own banner is replaced by ours

	flag.StringVar(&conf, "conf", "", "Corefile to load (default \""+caddy.DefaultConfigFile+"\")")
	flag.BoolVar(&plugins, "plugins", false, "List installed plugins")
	flag.StringVar(&caddy.PidFile, "pidfile", "", "Path to write pid file")
	flag.BoolVar(&version, "version", false, "Show version")
	flag.BoolVar(&dnsserver.Quiet, "quiet", false, "Quiet mode (no initialization output)")

	caddy.RegisterCaddyfileLoader("flag", caddy.LoaderFunc(confLoader))
	caddy.SetDefaultCaddyfileLoader("default", caddy.LoaderFunc(defaultLoader))

	caddy.AppName = CoreName
	caddy.AppVersion = CoreVersion
}

// Run is CoreDNS's main: it returns only by exiting the process.
func Run() {
	caddy.TrapSignals()
	flag.Parse()

	if len(flag.Args()) > 0 {
		mustLogFatal(fmt.Errorf("extra command line arguments: %s", flag.Args()))
	}

	log.SetOutput(os.Stdout)
	log.SetFlags(LogFlags)

	if version {
		showVersion()
		os.Exit(0)
	}
	if plugins {
		fmt.Print(listPlugins())
		os.Exit(0)
	}

	corefile, err := caddy.LoadCaddyfile(serverType)
	if err != nil {
		mustLogFatal(err)
	}

	instance, err := caddy.Start(corefile)
	if err != nil {
		mustLogFatal(err)
	}

	if !dnsserver.Quiet {
		showVersion()
	}

	instance.Wait()
}

// mustLogFatal logs err and exits with status 1; the message also goes to
// stderr when logging goes elsewhere.
func mustLogFatal(args ...any) {
	if w := log.Writer(); w != os.Stderr && w != io.Discard {
		log.SetOutput(os.Stderr)
	}
	log.Printf("[FATAL] %s", fmt.Sprint(args...))
	os.Exit(1)
}

// confLoader loads the Corefile named by -conf; "stdin" reads standard input.
func confLoader(serverType string) (caddy.Input, error) {
	if conf == "" {
		return nil, nil
	}
	if conf == "stdin" {
		return caddy.CaddyfileFromPipe(os.Stdin, serverType)
	}
	contents, err := os.ReadFile(os.ExpandEnv(conf))
	if err != nil {
		return nil, err
	}
	return caddy.CaddyfileInput{
		Contents:       contents,
		Filepath:       conf,
		ServerTypeName: serverType,
	}, nil
}

// defaultLoader loads ./Corefile when it exists.
func defaultLoader(serverType string) (caddy.Input, error) {
	contents, err := os.ReadFile(caddy.DefaultConfigFile)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	return caddy.CaddyfileInput{
		Contents:       contents,
		Filepath:       caddy.DefaultConfigFile,
		ServerTypeName: serverType,
	}, nil
}

// listPlugins describes the server types, Corefile loaders and plugins
// linked into this binary, each list sorted.
func listPlugins() string {
	pl := caddy.ListPlugins()
	var b strings.Builder
	section := func(title string, names []string, sorted bool) {
		if sorted {
			names = append([]string(nil), names...)
			sort.Strings(names)
		}
		b.WriteString(title + ":\n")
		for _, n := range names {
			b.WriteString("  " + n + "\n")
		}
	}
	section("Server types", pl["server_types"], true)
	b.WriteString("\n")
	// Loaders in the order they are tried: -conf first, the default last.
	section("Caddyfile loaders", pl["caddyfile_loaders"], false)
	b.WriteString("\n")
	section("Other plugins", pl["others"], true)
	return b.String()
}

// showVersion prints the version banner.
func showVersion() { fmt.Print(versionString()) }

// versionString is "CoreDNS-1.14.7\nlinux/amd64, go1.26, abcdef\n".
func versionString() string {
	return fmt.Sprintf("%s-%s\n%s/%s, %s, %s\n", caddy.AppName, caddy.AppVersion, runtime.GOOS, runtime.GOARCH, runtime.Version(), GitCommit)
}

// Flags and build information.
var (
	conf    string
	version bool
	plugins bool

	// LogFlags are the flags of the standard logger; set them before Run.
	LogFlags int

	// GitCommit is set at build time with -ldflags.
	GitCommit string
)

const serverType = "dns"
