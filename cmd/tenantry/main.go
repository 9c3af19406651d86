// Command tenantry runs the Tenantry portal and its maintenance tasks.
//
//	tenantry serve   [--addr 127.0.0.1:8080] [--db tenantry.db] [--demo]
//	tenantry init    [--db] --platform-domain D --provider-name N --admin-email E
//	tenantry migrate [--db]
//	tenantry backup  [--db] --to FILE
//	tenantry usage import [--db] FILE.csv
//	tenantry version
//
// Every flag can also be set through an environment variable named
// TENANTRY_ plus the flag's name in capitals with "-" as "_", e.g.
// TENANTRY_DB or TENANTRY_PLATFORM_DOMAIN. A flag on the command line wins.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "tenantry:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

const usage = `Tenantry — a reseller portal for cloud and hosting providers.

Usage:
  tenantry serve   [--addr 127.0.0.1:8080] [--db tenantry.db] [--demo]
  tenantry init    [--db tenantry.db] --platform-domain D --provider-name N --admin-email E
                   [--admin-name NAME] [--admin-password-file F]   (or TENANTRY_ADMIN_PASSWORD)
  tenantry migrate [--db tenantry.db]
  tenantry backup  [--db tenantry.db] --to FILE
  tenantry usage import [--db tenantry.db] FILE.csv   (- for standard input)
  tenantry version

Every flag also reads TENANTRY_<FLAG> from the environment, e.g. TENANTRY_DB.
Run "tenantry COMMAND --help" for a command's flags.
`

// run is the whole program, so that a test can start it like main does,
// with its own arguments, environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, getenv, stdout, stderr)
	case "init":
		return runInit(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, getenv, stdout, stderr)
	case "backup":
		return runBackup(ctx, rest, getenv, stdout, stderr)
	case "usage":
		return runUsage(ctx, rest, getenv, stdin, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "tenantry", versionString())
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
	return errUsage
}
