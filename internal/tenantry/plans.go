package tenantry

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/currency"

	"github.com/tenantry/tenantry/internal/money"
)

// Units a metric may be measured in.
var Units = []string{"hour", "GB-hour", "GB", "GB-month", "unit", "month"}

// Metric is a billable resource type in the provider's catalogue.
type Metric struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	Unit string `json:"unit"`
	// ResourceType is the type of resource whose lifecycle the metric
	// meters (server, volume, ip), or "" for a metric reported only by
	// the API and imports (traffic, backups).
	ResourceType string `json:"resource_type"`
}

var metricKey = regexp.MustCompile(`^[a-z][a-z0-9_.-]{1,62}$`)

// Validate checks a new or edited metric.
func (m *Metric) Validate() error {
	m.Key, m.Name, m.Unit = strings.TrimSpace(m.Key), strings.TrimSpace(m.Name), strings.TrimSpace(m.Unit)
	fields := map[string]string{}
	if !metricKey.MatchString(m.Key) {
		fields["key"] = "Use 2 to 63 lower-case letters, digits, '.', '_' or '-', starting with a letter."
	}
	if m.Name == "" || len(m.Name) > 100 || strings.ContainsAny(m.Name, "\r\n") {
		fields["name"] = "Give a name of 1 to 100 characters, on one line."
	} else if UnsafeText(m.Name) {
		fields["name"] = MsgUnsafeText
	}
	ok := false
	for _, u := range Units {
		ok = ok || u == m.Unit
	}
	if !ok {
		fields["unit"] = "Choose one of: " + strings.Join(Units, ", ") + "."
	}
	m.ResourceType = strings.TrimSpace(m.ResourceType)
	switch m.ResourceType {
	case "":
	case ResourceServer, ResourceVolume, ResourceIP:
		if ok && m.Unit != UnitFor(m.ResourceType) {
			fields["resource_type"] = "A metric of " + strings.ToLower(ResourceTypeLabel(m.ResourceType)) +
				"s is counted per " + UnitFor(m.ResourceType) + "."
		}
	default:
		fields["resource_type"] = "Choose server, volume, ip, or none."
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// Plan audiences: whom a plan is for.
const (
	AudienceResellers = "resellers"
	AudienceCustomers = "customers"
)

// AudienceFor is the audience a plan must have to be assigned to an
// account of kind k.
func AudienceFor(k AccountKind) string {
	if k == KindReseller {
		return AudienceResellers
	}
	return AudienceCustomers
}

// Plan statuses.
const (
	PlanActive   = "active"
	PlanArchived = "archived"
)

// Plan is a vendor's pricing: a unit price per metric and a markup for
// imported cost lines.
type Plan struct {
	ID       string
	OwnerID  string
	Name     string
	Currency string
	Audience string
	// MarkupPercent applies to cost lines imported from billing files.
	MarkupPercent money.Micro
	Status        string
	// Prices are the prices in force now (see PlanPrices for the rest of
	// their history), in force since PricesFrom.
	Prices     []Price
	PricesFrom time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// PlanPrices is one version of a plan's prices: in force from
// EffectiveFrom until the next version's EffectiveFrom. Usage is rated at
// the version in force when it was used.
type PlanPrices struct {
	ID            string
	PlanID        string
	EffectiveFrom time.Time
	Prices        []Price
	// CreatedBy is the user who saved the version ("" for the prices a
	// plan had before versions were kept, and for deleted users).
	CreatedBy string
	CreatedAt time.Time
}

// PriceOf returns the version's unit price of a metric, and whether it has
// one.
func (v *PlanPrices) PriceOf(metric string) (money.Micro, bool) {
	for _, pr := range v.Prices {
		if pr.Metric == metric {
			return pr.UnitPrice, true
		}
	}
	return 0, false
}

// PricesAt returns the version in force at t among versions sorted by
// EffectiveFrom, oldest first, or nil when t is before the first.
func PricesAt(versions []PlanPrices, t time.Time) *PlanPrices {
	var in *PlanPrices
	for i := range versions {
		if versions[i].EffectiveFrom.After(t) {
			break
		}
		in = &versions[i]
	}
	return in
}

// SamePrices reports whether two price lists price the same metrics at
// the same amounts (both sorted by metric).
func SamePrices(a, b []Price) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Price is one metric's unit price in a plan.
type Price struct {
	Metric    string
	UnitPrice money.Micro
}

// PriceOf returns the plan's unit price of a metric, and whether it has one.
func (p *Plan) PriceOf(metric string) (money.Micro, bool) {
	for _, pr := range p.Prices {
		if pr.Metric == metric {
			return pr.UnitPrice, true
		}
	}
	return 0, false
}

// PlanInput is a plan as typed in the editor or sent to the API; amounts
// are decimal strings.
type PlanInput struct {
	Name          string       `json:"name"`
	Currency      string       `json:"currency"`
	Audience      string       `json:"audience"`
	Prices        []PriceInput `json:"prices"`
	MarkupPercent string       `json:"markup_percent"`
	// EffectiveFrom is when changed prices take effect ("" for now): a
	// date (YYYY-MM-DD, the start of that day UTC; today means now) or an
	// RFC 3339 timestamp. Only a change of an existing plan takes it.
	EffectiveFrom string `json:"effective_from,omitempty"`
}

// ParseEffectiveFrom reads PlanInput.EffectiveFrom against the clock: ""
// and today's date are now, another date is the start of that day UTC,
// a timestamp is taken as it is (in UTC). Field key: effective_from.
func ParseEffectiveFrom(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	now = now.UTC()
	if s == "" {
		return now, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		if d.Format(time.DateOnly) == now.Format(time.DateOnly) {
			return now, nil
		}
		return d, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC().Truncate(time.Millisecond), nil
	}
	return time.Time{}, Invalid(map[string]string{"effective_from": "Enter a date as YYYY-MM-DD (or an RFC 3339 time)."})
}

// PriceInput is one price as typed.
type PriceInput struct {
	Metric    string `json:"metric"`
	UnitPrice string `json:"unit_price"`
}

// Parse validates the input against the metric catalogue and returns the
// plan it describes. Field keys: name, currency, audience, markup_percent,
// prices, and prices.<metric> for one price.
func (in *PlanInput) Parse(catalogue []Metric) (*Plan, error) {
	p := &Plan{Name: strings.TrimSpace(in.Name), Currency: strings.ToUpper(strings.TrimSpace(in.Currency)),
		Audience: strings.TrimSpace(in.Audience), Status: PlanActive}
	fields := map[string]string{}
	if p.Name == "" || len(p.Name) > 100 || strings.ContainsAny(p.Name, "\r\n") {
		fields["name"] = "Give a name of 1 to 100 characters, on one line."
	} else if UnsafeText(p.Name) {
		fields["name"] = MsgUnsafeText
	}
	if why := CheckCurrency(p.Currency); why != "" {
		fields["currency"] = why
	}
	if p.Audience != AudienceResellers && p.Audience != AudienceCustomers {
		fields["audience"] = "Choose resellers or customers."
	}
	if strings.TrimSpace(in.MarkupPercent) != "" {
		m, err := money.Parse(in.MarkupPercent)
		if err != nil {
			fields["markup_percent"] = money.Message(err)
		} else if m > 1000*1_000_000 {
			fields["markup_percent"] = "Use at most 1000 percent."
		}
		p.MarkupPercent = m
	}
	known := map[string]bool{}
	for _, m := range catalogue {
		known[m.Key] = true
	}
	seen := map[string]bool{}
	for _, pi := range in.Prices {
		key := "prices." + pi.Metric
		switch {
		case !known[pi.Metric]:
			fields[key] = fmt.Sprintf("There is no metric %q in the catalogue.", pi.Metric)
			continue
		case seen[pi.Metric]:
			fields[key] = "This metric is priced twice."
			continue
		case strings.TrimSpace(pi.UnitPrice) == "":
			continue // left empty in the editor: not priced
		}
		seen[pi.Metric] = true
		v, err := money.Parse(pi.UnitPrice)
		if err != nil {
			fields[key] = money.Message(err)
			continue
		}
		p.Prices = append(p.Prices, Price{Metric: pi.Metric, UnitPrice: v})
	}
	if len(fields) > 0 {
		return nil, Invalid(fields)
	}
	return p, nil
}

// CheckCurrency returns why code is not an ISO 4217 currency code, or "".
func CheckCurrency(code string) string {
	if len(code) != 3 || strings.ToUpper(code) != code {
		return "Use a three-letter ISO 4217 code such as USD or EUR."
	}
	if _, err := currency.ParseISO(code); err != nil {
		return "This is not an ISO 4217 currency code."
	}
	return ""
}

// PlanAssignment is one entry in an account's plan history.
type PlanAssignment struct {
	ID            string
	AccountID     string
	Plan          Plan
	EffectiveFrom time.Time
	AssignedBy    string
	CreatedAt     time.Time
}

// Settings is a vendor's configuration.
type Settings struct {
	AccountID              string
	SignupEnabled          bool
	SignupRequiresApproval bool
	DefaultPlanID          string
	Currency               string
	TaxRatePercent         money.Micro
	InvoicePrefix          string
	SupportEmail           string
	TermsURL               string
}

// DefaultSettings is a vendor's configuration before it changes anything.
func DefaultSettings(accountID string) Settings {
	return Settings{AccountID: accountID, Currency: "USD"}
}

// SettingsUpdate changes a vendor's configuration: fields left nil stay as
// they are. Amounts are decimal strings, as typed.
type SettingsUpdate struct {
	SignupEnabled          *bool          `json:"signup_enabled"`
	SignupRequiresApproval *bool          `json:"signup_requires_approval"`
	DefaultPlanID          OptionalString `json:"default_plan_id"`
	Currency               *string        `json:"currency"`
	TaxRatePercent         *string        `json:"tax_rate_percent"`
	InvoicePrefix          *string        `json:"invoice_prefix"`
	SupportEmail           *string        `json:"support_email"`
	TermsURL               *string        `json:"terms_url"`
	// ResellersEnabled is the provider's reseller programme switch.
	ResellersEnabled *bool `json:"resellers_enabled"`
}

var invoicePrefix = regexp.MustCompile(`^[A-Za-z0-9._/-]{0,16}$`)

// Apply validates the update and applies it to s.
func (u *SettingsUpdate) Apply(s *Settings) error {
	fields := map[string]string{}
	if u.SignupEnabled != nil {
		s.SignupEnabled = *u.SignupEnabled
	}
	if u.SignupRequiresApproval != nil {
		s.SignupRequiresApproval = *u.SignupRequiresApproval
	}
	if u.DefaultPlanID.Set {
		s.DefaultPlanID = strings.TrimSpace(u.DefaultPlanID.Value)
	}
	if u.Currency != nil {
		c := strings.ToUpper(strings.TrimSpace(*u.Currency))
		if why := CheckCurrency(c); why != "" {
			fields["currency"] = why
		}
		s.Currency = c
	}
	if u.TaxRatePercent != nil {
		v, err := money.Parse(*u.TaxRatePercent)
		switch {
		case err != nil:
			fields["tax_rate_percent"] = money.Message(err)
		case v > 100*1_000_000:
			fields["tax_rate_percent"] = "Use at most 100 percent."
		}
		s.TaxRatePercent = v
	}
	if u.InvoicePrefix != nil {
		s.InvoicePrefix = strings.TrimSpace(*u.InvoicePrefix)
		if !invoicePrefix.MatchString(s.InvoicePrefix) {
			fields["invoice_prefix"] = "Use up to 16 letters, digits, '.', '_', '/' or '-'."
		}
	}
	if u.SupportEmail != nil {
		s.SupportEmail = NormalizeEmail(*u.SupportEmail)
		if s.SupportEmail != "" && validate.Var(s.SupportEmail, "email") != nil {
			fields["support_email"] = "Enter a valid email address."
		}
	}
	if u.TermsURL != nil {
		s.TermsURL = strings.TrimSpace(*u.TermsURL)
		if s.TermsURL != "" && (validate.Var(s.TermsURL, "http_url") != nil || len(s.TermsURL) > 500) {
			fields["terms_url"] = "Enter a web address starting with https:// or http://."
		}
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// OptionalString is a JSON field that may be absent, null or a string:
// absent leaves a value alone, null clears it.
type OptionalString struct {
	Set   bool
	Value string
}

// UnmarshalJSON records that the field was present.
func (o *OptionalString) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = ""
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// PriceWarnings compares a reseller's plan with the wholesale plan it pays
// itself: prices below wholesale are sold at a loss, and metrics that the
// wholesale plan charges but p leaves unpriced are given away. They are
// warnings, never refusals: a reseller may mean it.
func PriceWarnings(p, wholesale *Plan) []string {
	if wholesale == nil {
		return nil
	}
	if p.Currency != wholesale.Currency {
		return []string{fmt.Sprintf("This plan is in %s while you pay in %s: margins cannot be compared.", p.Currency, wholesale.Currency)}
	}
	var below, unpriced []string
	for _, w := range wholesale.Prices {
		v, ok := p.PriceOf(w.Metric)
		switch {
		case !ok && w.UnitPrice > 0:
			unpriced = append(unpriced, w.Metric)
		case ok && v < w.UnitPrice:
			below = append(below, w.Metric)
		}
	}
	var out []string
	if len(below) > 0 {
		out = append(out, fmt.Sprintf("Below what you pay under %q, so sold at a loss: %s.", wholesale.Name, strings.Join(below, ", ")))
	}
	if len(unpriced) > 0 {
		out = append(out, fmt.Sprintf("Not priced although you pay for them under %q, so given away: %s.", wholesale.Name, strings.Join(unpriced, ", ")))
	}
	return out
}

// InEffect returns the assignment in effect at now from a history sorted
// newest first, or nil when none has started yet.
func InEffect(history []PlanAssignment, now time.Time) *PlanAssignment {
	for i := range history {
		if !history[i].EffectiveFrom.After(now) {
			return &history[i]
		}
	}
	return nil
}
