package mail

import (
	"fmt"
	"time"
)

// KindWelcome is the mail that welcomes the Owner of an account a vendor
// created for them.
const KindWelcome = "welcome"

// Welcome greets the Owner of a new account that vendor (the staff member
// who created it, by name) opened for them on the tenant's brand, with the
// Owner invitation's one-time link: with it they choose their password
// (or, when they sign in here already, sign in) and take the account.
func Welcome(t Tenant, to, name, account, vendor, token string, ttl time.Duration) (Message, error) {
	at := " at " + t.Name
	if account == t.Name {
		at = ""
	}
	return compose(t, KindWelcome, to, content{
		Subject:  fmt.Sprintf("Welcome to %s: your account %s is ready", t.Name, account),
		Title:    "Welcome to " + t.Name,
		Greeting: hello(name),
		Paras: []string{
			fmt.Sprintf("%s has opened the account %s%s for you, with you as its Owner.", vendor, account, at),
			"To start, choose your password with the link below. If you already sign in here, the link asks you to sign in instead.",
		},
		Action: &action{Label: "Set your password", URL: t.URL(InvitationPath(token))},
		After: []string{
			fmt.Sprintf("The link works once and expires in %s; if it has, ask %s for a new one.", hours(ttl), vendor),
			"If you did not expect this account, ignore this message: nothing happens unless you use the link.",
		},
	})
}
