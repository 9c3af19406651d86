package mail

import (
	"fmt"
	"time"
)

// KindInvitation is the mail that invites someone to an account.
const KindInvitation = "invitation"

// InvitationPath is where an invitation's link leads.
func InvitationPath(token string) string { return "/invitations/" + token }

// Invitation invites to to join account as role, on behalf of inviter.
func Invitation(t Tenant, to, inviter, account, role, token string, ttl time.Duration) (Message, error) {
	// "to Acme Hosting at Acme Hosting" says nothing twice
	at := " at " + t.Name
	if account == t.Name {
		at = ""
	}
	return compose(t, KindInvitation, to, content{
		Subject:  fmt.Sprintf("%s invites you to %s%s", inviter, account, at),
		Title:    "You are invited to " + account,
		Greeting: "Hello,",
		Paras: []string{
			fmt.Sprintf("%s invites you to join %s%s, as %s.", inviter, account, at, role),
		},
		Action: &action{Label: "Accept the invitation", URL: t.URL(InvitationPath(token))},
		After: []string{
			fmt.Sprintf("The link works once and expires in %s.", hours(ttl)),
			"If you did not expect this invitation, ignore this message: nothing happens unless you accept it.",
		},
	})
}
