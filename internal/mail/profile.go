package mail

import (
	"fmt"
	"time"
)

// Kinds of the mail a change of email address sends.
const (
	KindChangeEmail       = "change_email"
	KindEmailChangeNotice = "email_change_notice"
	KindEmailChangeTaken  = "email_change_taken"
)

// ChangeEmailPath is the page that confirms a change of email address
// with token.
func ChangeEmailPath(token string) string { return "/profile/email/" + token }

// ChangeEmail asks the owner of a new address to confirm that a user's
// email becomes this one, with a one-time link valid for ttl. Until it is
// followed the user's address stays as it is.
func ChangeEmail(t Tenant, to, name, token string, ttl time.Duration) (Message, error) {
	return compose(t, KindChangeEmail, to, content{
		Subject:  "Confirm your new email address for " + t.Name,
		Title:    "Confirm your new email address",
		Greeting: hello(name),
		Paras: []string{
			fmt.Sprintf("You asked to sign in to %s with this address from now on. Please confirm that it is yours.", t.Name),
		},
		Action: &action{Label: "Confirm my new address", URL: t.URL(ChangeEmailPath(token))},
		After: []string{
			fmt.Sprintf("The link works once and expires in %s. Until you confirm, you keep signing in with your current address.", hours(ttl)),
			"If you did not ask for this, ignore this message: nothing changes without the confirmation.",
		},
	})
}

// EmailChangeNotice tells the current address of a user that a change to
// newAddress was asked for, so that its owner notices a change they did
// not make while there is still time to act.
func EmailChangeNotice(t Tenant, to, name, newAddress string) (Message, error) {
	return compose(t, KindEmailChangeNotice, to, content{
		Subject:  "Your " + t.Name + " email address is about to change",
		Title:    "Your email address is about to change",
		Greeting: hello(name),
		Paras: []string{
			fmt.Sprintf("Someone signed in to your %s account asked to change its email address to %s. "+
				"The change happens only once the new address confirms it.", t.Name, newAddress),
		},
		Action: &action{Label: "Sign in", URL: t.URL(pathLogin)},
		After: []string{
			"If it was you, there is nothing else to do here.",
			"If it was not you, sign in and change your password at once: that signs out everyone else. " +
				"Forgot it? Reset it here: " + t.URL(pathForgotPassword),
		},
	})
}

// EmailChangeTaken tells the owner of an address that already has a user
// that someone asked to make it the address of another user. It carries
// no link: the change cannot happen, and the person who asked sees the
// same answer as for a free address, so that the form reveals nothing.
func EmailChangeTaken(t Tenant, to string) (Message, error) {
	return compose(t, KindEmailChangeTaken, to, content{
		Subject:  "Someone tried to use your email address on " + t.Name,
		Title:    "Your email address is already in use",
		Greeting: "Hello,",
		Paras: []string{
			fmt.Sprintf("Someone signed in to %s asked to make this address the email of their user. "+
				"It is already yours, so nothing changed.", t.Name),
		},
		Action: &action{Label: "Sign in", URL: t.URL(pathLogin)},
		After: []string{
			"If it was you with a second user, there is nothing to do: one address belongs to one user.",
			"Otherwise you can ignore this message.",
		},
	})
}
