package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"
)

// The paths of the pages a mail links to; web's routes serve them.
const (
	pathLogin          = "/login"
	pathForgotPassword = "/forgot-password"
)

// VerifyPath is the page that confirms an email address with token.
func VerifyPath(token string) string { return "/verify/" + token }

// ResetPath is the page that sets a new password with token.
func ResetPath(token string) string { return "/reset-password/" + token }

// action is a mail's one button.
type action struct {
	Label string
	URL   string
}

// content is what every mail is made of; one HTML and one text layout
// turn it into the two parts, so that all mails look alike and all text
// passes through the same escaping.
type content struct {
	Subject  string
	Title    string
	Greeting string
	Paras    []string
	Action   *action
	After    []string
}

// view is what the layouts render.
type view struct {
	content
	Brand   string
	Color   string
	OnColor string
	Support string
}

var htmlLayout = htmltemplate.Must(htmltemplate.New("mail").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Subject}}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:Helvetica,Arial,sans-serif;color:#1f2328;line-height:1.5">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7">
<tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;width:100%;background:#ffffff;border:1px solid #d0d7de;border-radius:6px">
<tr><td style="background:{{.Color}};color:{{.OnColor}};padding:18px 24px;font-size:20px;font-weight:bold;border-radius:6px 6px 0 0">{{.Brand}}</td></tr>
<tr><td style="padding:24px">
<h1 style="font-size:20px;margin:0 0 16px">{{.Title}}</h1>
{{if .Greeting}}<p style="margin:0 0 12px">{{.Greeting}}</p>
{{end}}{{range .Paras}}<p style="margin:0 0 12px">{{.}}</p>
{{end}}{{with .Action}}<p style="margin:24px 0"><a href="{{.URL}}" style="background:{{$.Color}};color:{{$.OnColor}};padding:12px 20px;border-radius:4px;text-decoration:none;display:inline-block;font-weight:bold">{{.Label}}</a></p>
<p style="margin:0 0 12px;font-size:13px;color:#57606a">If the button does not work, copy this address into your browser:<br>{{.URL}}</p>
{{end}}{{range .After}}<p style="margin:0 0 12px">{{.}}</p>
{{end}}</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #d0d7de;font-size:12px;color:#57606a">This message was sent by {{.Brand}}.{{if .Support}} Questions? Write to <a href="mailto:{{.Support}}" style="color:#57606a">{{.Support}}</a>.{{end}}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`))

var textLayout = texttemplate.Must(texttemplate.New("mail").Parse(`{{.Brand}}

{{.Title}}

{{if .Greeting}}{{.Greeting}}

{{end}}{{range .Paras}}{{.}}

{{end}}{{with .Action}}{{.Label}}:
{{.URL}}

{{end}}{{range .After}}{{.}}

{{end}}-- 
This message was sent by {{.Brand}}.{{if .Support}} Questions? Write to {{.Support}}.{{end}}
`))

// compose renders c for t as a message of the given kind to one address.
func compose(t Tenant, kind, to string, c content) (Message, error) {
	v := view{content: c, Brand: t.Name, Color: t.color(), Support: t.SupportEmail}
	v.OnColor = OnColor(v.Color)
	var text, html bytes.Buffer
	if err := textLayout.Execute(&text, v); err != nil {
		return Message{}, fmt.Errorf("compose %s text: %w", kind, err)
	}
	if err := htmlLayout.Execute(&html, v); err != nil {
		return Message{}, fmt.Errorf("compose %s html: %w", kind, err)
	}
	from := ""
	if t.Host != "" {
		from = "no-reply@" + t.Host
	}
	return Message{Kind: kind, TenantID: t.ID, To: to, FromName: t.Name, FromAddress: from,
		ReplyTo: t.SupportEmail, Color: v.Color, Subject: c.Subject, Text: text.String(), HTML: html.String()}, nil
}

func hello(name string) string {
	if name = strings.TrimSpace(name); name == "" {
		return "Hello,"
	}
	return "Hello " + name + ","
}

// hours says a duration in whole hours, for link lifetimes.
// hours says how long a link lasts: in days when it is whole days ("7
// days", not "168 hours"), in hours otherwise.
func hours(d time.Duration) string {
	h := int(d.Round(time.Hour) / time.Hour)
	switch {
	case h == 1:
		return "1 hour"
	case h == 24:
		return "1 day"
	case h > 24 && h%24 == 0:
		return fmt.Sprintf("%d days", h/24)
	}
	return fmt.Sprintf("%d hours", h)
}

// VerifyEmail asks a new sign-up to confirm its address with a one-time
// link valid for ttl. approval says that the tenant reviews sign-ups, so
// confirming is not the last step.
func VerifyEmail(t Tenant, to, name, company, token string, ttl time.Duration, approval bool) (Message, error) {
	c := content{
		Subject:  "Confirm your email address for " + t.Name,
		Title:    "Confirm your email address",
		Greeting: hello(name),
		Paras: []string{
			fmt.Sprintf("Thank you for signing up %s with %s. Please confirm that this address is yours.", company, t.Name),
		},
		Action: &action{Label: "Confirm my email address", URL: t.URL(VerifyPath(token))},
		After: []string{
			fmt.Sprintf("The link works once and expires in %s.", hours(ttl)),
			"If you did not sign up, ignore this message: nothing happens without the confirmation.",
		},
	}
	if approval {
		c.After = append([]string{t.Name + " reviews new accounts: we will write to you again once yours is approved."}, c.After...)
	}
	return compose(t, KindVerifyEmail, to, c)
}

// SignupExists tells the owner of an address that someone tried to sign
// up with it, instead of creating anything: the visitor sees what a
// fresh sign-up sees, and only the address's owner learns it is taken.
func SignupExists(t Tenant, to string) (Message, error) {
	return compose(t, KindSignupExists, to, content{
		Subject:  "Sign-up attempt with your address at " + t.Name,
		Title:    "Someone tried to sign up with your address",
		Greeting: hello(""),
		Paras: []string{
			fmt.Sprintf("Someone just tried to create an account at %s with this email address, which already has an account. Nothing was created or changed.", t.Name),
			"If it was you, sign in with your existing account, or reset your password if you have forgotten it.",
		},
		Action: &action{Label: "Sign in", URL: t.URL(pathLogin)},
		After: []string{
			"Forgot your password? Reset it here: " + t.URL(pathForgotPassword),
			"If it was not you, you can ignore this message.",
		},
	})
}

// ResetPassword sends a one-time link, valid for ttl, that sets a new password.
func ResetPassword(t Tenant, to, name, token string, ttl time.Duration) (Message, error) {
	return compose(t, KindResetPassword, to, content{
		Subject:  "Reset your " + t.Name + " password",
		Title:    "Reset your password",
		Greeting: hello(name),
		Paras:    []string{fmt.Sprintf("Someone asked to reset the password of your %s account. If it was you, choose a new password:", t.Name)},
		Action:   &action{Label: "Choose a new password", URL: t.URL(ResetPath(token))},
		After: []string{
			fmt.Sprintf("The link works once and expires in %s. Setting a new password signs you out everywhere.", hours(ttl)),
			"If you did not ask for this, ignore this message: your password stays as it is.",
		},
	})
}

// AccountActive tells an account's owner that it can now be used.
func AccountActive(t Tenant, to, name, company string) (Message, error) {
	return compose(t, KindAccountActive, to, content{
		Subject:  "Your " + t.Name + " account is ready",
		Title:    "Your account is ready",
		Greeting: hello(name),
		Paras:    []string{fmt.Sprintf("%s is now active at %s. You can sign in with your email address and password.", company, t.Name)},
		Action:   &action{Label: "Sign in", URL: t.URL(pathLogin)},
	})
}

// SignupAwaitsApproval tells one of a vendor's Owners and Admins that a
// sign-up has confirmed its address and now waits for their approval;
// the button leads to the dashboard (panelPath) that lists it.
func SignupAwaitsApproval(t Tenant, to, name, company, ownerEmail, panelPath string) (Message, error) {
	return compose(t, KindSignupAwaitsApproval, to, content{
		Subject:  "New sign-up at " + t.Name + " awaiting approval: " + company,
		Title:    "A sign-up awaits your approval",
		Greeting: hello(name),
		Paras: []string{
			fmt.Sprintf("%s (%s) signed up at %s and confirmed their email address.", company, ownerEmail, t.Name),
			"It stays pending until you approve it; reject it if it is not genuine.",
		},
		Action: &action{Label: "Review sign-ups", URL: t.URL(panelPath)},
	})
}
