package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"runtime/debug"
	"strconv"
	"strings"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func versionString() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
	}
	return v
}

// newFlags returns a flag set for a subcommand that prints its usage to stderr.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tenantry "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses args, then fills every flag not given on the command line
// from its TENANTRY_* environment variable.
func parse(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	rest, err := parseArgs(fs, args, getenv)
	if err == nil && len(rest) > 0 {
		err = fmt.Errorf("%w: unexpected argument %q", errUsage, rest[0])
	}
	return err
}

// parseArgs is parse for a command that takes arguments besides flags:
// it returns them, and flags may come before or after them
// ("usage import FILE --db x").
func parseArgs(fs *flag.FlagSet, args []string, getenv func(string) string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errUsage
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		if fs.NArg() == 0 {
			break
		}
		rest, args = append(rest, fs.Arg(0)), fs.Args()[1:]
	}
	return rest, fillFromEnv(fs, getenv)
}

// fillFromEnv sets every flag not given on the command line from its
// TENANTRY_* environment variable.
func fillFromEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		env := "TENANTRY_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(env); v != "" {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = fmt.Errorf("%w: %s: %v", errUsage, env, serr)
			}
		}
	})
	return err
}

// publicLinks settles the scheme and port of the absolute links the portal
// hands out (mail, one-time links), which it never takes from a request.
// The scheme defaults to https with secure cookies (TLS at a proxy), else
// http; the port to none over https, else the port the portal listens on,
// so that `make run`'s links work at http://acme.localhost:8080. A port
// that is its scheme's default is left out.
func publicLinks(scheme, port string, secure bool, listening string) (string, string, error) {
	switch scheme {
	case "":
		scheme = "http"
		if secure {
			scheme = "https"
		}
	case "http", "https":
	default:
		return "", "", fmt.Errorf("%w: --public-scheme must be http or https, not %q", errUsage, scheme)
	}
	if port == "" && scheme == "http" {
		if _, p, err := net.SplitHostPort(listening); err == nil {
			port = p
		}
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", "", fmt.Errorf("%w: --public-port must be a port number, not %q", errUsage, port)
		}
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	return scheme, port, nil
}

// dbFlag adds the --db flag every command shares.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "tenantry.db", "SQLite database `file`")
}
