package web

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
)

// Reading the body of POST /usage. The endpoint must take tens of
// thousands of records a second, and encoding/json spends more time than
// the rest of the handler on a batch (one scan to check the body, another
// to hand each record over, reflection to fill it): the body is read here
// in one pass that checks the JSON as it goes (json.Valid's grammar,
// FuzzReadUsageBatch holds it to that) and fills each record from its
// flat object. A record that cannot be read (not an object, an unknown
// field, a wrong type, a bad time or quantity) is rejected at its index;
// the batch goes on. A body that is not JSON is 400, and one that is not
// {"records": [...]} is 422, as decodeJSON answers elsewhere.

// usageRecordIn is one record of a batch as read: the input, or why it
// cannot be read.
type usageRecordIn struct {
	in  usage.Input
	msg string
}

// maxJSONDepth is how deep values may nest, as in encoding/json.
const maxJSONDepth = 10000

var errSyntax = errors.New("invalid JSON")

// readUsageBatch reads a POST /usage body into its records.
func readUsageBatch(body []byte) ([]usageRecordIn, error) {
	p := jsonScan{b: body}
	p.ws()
	var recs []usageRecordIn
	var haveRecords bool
	fields := map[string]string{}
	if p.peek() != '{' {
		if _, err := p.value(); err != nil {
			return nil, errMalformed("The body is not valid JSON.")
		}
		if p.ws(); p.i != len(p.b) {
			return nil, errMalformed("The body is not valid JSON.")
		}
		return nil, errMalformed("The body must be a JSON object.")
	}
	p.i++
	intern := map[string]string{}
	err := p.members(func(key []byte) error {
		if string(key) != "records" {
			fields[string(key)] = "Unknown field."
			_, err := p.value()
			return err
		}
		switch p.peek() {
		case 'n':
			haveRecords, recs = false, nil
			_, err := p.value()
			return err
		case '[':
			// a record takes some 150 bytes: room for them all at once
			haveRecords, recs = true, make([]usageRecordIn, 0, min(len(p.b)/128, usage.MaxBatch+1))
			return p.elements(func() error {
				var r usageRecordIn
				var err error
				r.msg, err = p.record(&r.in, intern)
				recs = append(recs, r)
				return err
			})
		}
		fields["records"] = "Expected a list."
		_, err := p.value()
		return err
	})
	if p.ws(); err != nil || p.i != len(p.b) {
		return nil, errMalformed("The body is not valid JSON.")
	}
	if len(fields) > 0 {
		return nil, tenantry.Invalid(fields)
	}
	if !haveRecords {
		return nil, tenantry.Invalid(map[string]string{"records": "Give the records as a list: {\"records\": [...]}."})
	}
	return recs, nil
}

const msgNotObject = "A record must be a JSON object."

// record reads one record into in; it returns why the record cannot be
// used ("" when it can), and an error only when the JSON is not valid.
// Infrastructure ids and metrics repeat from record to record: intern
// keeps one copy of each.
func (p *jsonScan) record(in *usage.Input, intern map[string]string) (string, error) {
	if p.peek() != '{' {
		_, err := p.value()
		return msgNotObject, err
	}
	p.i++
	if p.depth++; p.depth > maxJSONDepth {
		return "", errSyntax
	}
	defer func() { p.depth-- }()
	var msg string
	var quantity money.Micro
	var haveQuantity bool
	p.ws()
	if p.peek() == '}' {
		p.i++
		return "quantity is required, as a decimal string or a number.", nil
	}
	for {
		p.ws()
		key, err := p.key()
		if err != nil {
			return "", err
		}
		p.ws()
		if p.peek() != ':' {
			return "", errSyntax
		}
		p.i++
		p.ws()
		kind, err := p.value()
		if err != nil {
			return "", err
		}
		// the first reason is enough; the rest is only checked
		if msg == "" {
			raw, esc := p.b[p.last:p.i], p.esc
			switch string(key) {
			case "infrastructure_id":
				in.InfrastructureID, msg = internValue(intern, "infrastructure_id", kind, raw, esc)
			case "metric":
				in.Metric, msg = internValue(intern, "metric", kind, raw, esc)
			case "idempotency_key":
				in.Key, msg = textValue("idempotency_key", kind, raw, esc)
			case "start":
				in.Start, msg = timeValue("start", kind, raw, esc)
			case "end":
				in.End, msg = timeValue("end", kind, raw, esc)
			case "quantity":
				quantity, haveQuantity, msg = quantityValue(kind, raw, esc)
			default:
				msg = "Unknown field " + strconv.Quote(shortText(string(key))) + "."
			}
		}
		p.ws()
		switch p.peek() {
		case ',':
			p.i++
			continue
		case '}':
			p.i++
		default:
			return "", errSyntax
		}
		break
	}
	switch {
	case msg != "":
		return msg, nil
	case !haveQuantity:
		return "quantity is required, as a decimal string or a number.", nil
	}
	in.Quantity = quantity
	return "", nil
}

func shortText(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// textValue reads a string field; null is the same as leaving it out.
func textValue(field string, kind jsonKind, raw []byte, esc bool) (string, string) {
	switch kind {
	case jsonNull:
		return "", ""
	case jsonString:
		return jsonText(raw, esc), ""
	}
	return "", field + " must be a string."
}

// internValue is textValue keeping one copy of each plain value.
func internValue(intern map[string]string, field string, kind jsonKind, raw []byte, esc bool) (string, string) {
	if kind != jsonString || esc {
		return textValue(field, kind, raw, esc)
	}
	if s, ok := intern[string(raw[1:len(raw)-1])]; ok {
		return s, ""
	}
	s := string(raw[1 : len(raw)-1])
	intern[s] = s
	return s, ""
}

// timeValue reads an RFC 3339 time, to the millisecond the log keeps.
func timeValue(field string, kind jsonKind, raw []byte, esc bool) (time.Time, string) {
	if kind == jsonString && !esc {
		if t, ok := parseUTCSecond(raw[1 : len(raw)-1]); ok {
			return t, ""
		}
	}
	s, msg := textValue(field, kind, raw, esc)
	if msg != "" || s == "" {
		return time.Time{}, msg
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, field + " must be an RFC 3339 time, such as 2026-11-30T14:00:00Z."
	}
	return t.UTC().Truncate(time.Millisecond), ""
}

// quantityValue reads a quantity given as a decimal string or a JSON
// number, from its text: never through a float, so 0.1 is exactly a
// tenth, and an exponent is refused as in a string.
func quantityValue(kind jsonKind, raw []byte, esc bool) (money.Micro, bool, string) {
	var text string
	switch kind {
	case jsonNull:
		return 0, false, ""
	case jsonNumber:
		text = string(raw)
	case jsonString:
		text = jsonText(raw, esc)
	default:
		return 0, false, "quantity must be a decimal string or a number."
	}
	q, err := parseQuantity(text)
	switch {
	case err == nil:
		return q, true, ""
	case errors.Is(err, money.ErrTooPrecise):
		return 0, false, "quantity has more than 6 decimal places."
	case errors.Is(err, money.ErrNegative):
		return 0, false, "quantity must be zero or more: a correction is a new record, never a negative one."
	case errors.Is(err, money.ErrTooLarge):
		return 0, false, "quantity is too large."
	}
	return 0, false, "quantity must be a plain decimal number such as \"2.5\" (no exponent)."
}

// parseQuantity is money.Parse with a fast path for the common case, a
// short run of digits with at most six decimals.
func parseQuantity(s string) (money.Micro, error) {
	var whole, frac int64
	digits, places, dot := 0, 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			if dot {
				places++
				frac = frac*10 + int64(c-'0')
			} else {
				whole = whole*10 + int64(c-'0')
			}
		case c == '.' && !dot && i > 0 && i < len(s)-1:
			dot = true
		default:
			return money.Parse(s)
		}
	}
	// nine whole digits stay well inside what money.Parse accepts
	if digits == 0 || places > money.Places || digits-places > 9 {
		return money.Parse(s)
	}
	for ; places < money.Places; places++ {
		frac *= 10
	}
	return money.Micro(whole*1_000_000 + frac), nil
}

// jsonText decodes a valid JSON string literal: directly when it is
// plain ASCII without escapes (esc false), through encoding/json
// otherwise, which puts U+FFFD for invalid UTF-8 as every other field of
// the API gets.
func jsonText(raw []byte, esc bool) string {
	if !esc {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return string(raw[1 : len(raw)-1]) // cannot happen: the literal was checked
	}
	return s
}

// parseUTCSecond reads the common form of an RFC 3339 time,
// YYYY-MM-DDTHH:MM:SSZ, without time.Parse; anything else is not ok, for
// time.Parse to read.
func parseUTCSecond(b []byte) (time.Time, bool) {
	if len(b) != 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, s := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false // the 31st of a shorter month
	}
	return t, true
}

// jsonScan walks JSON bytes, checking them as it goes. last is where the
// value read last starts; esc says whether the string read last has
// escapes or bytes beyond ASCII, and needs decoding.
type jsonScan struct {
	b     []byte
	i     int
	last  int
	depth int
	esc   bool
}

type jsonKind int

const (
	jsonString jsonKind = iota + 1
	jsonNumber
	jsonNull
	jsonOther // true, false, an object or a list
)

func (p *jsonScan) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonScan) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

// members reads an object's members after its '{', calling fn for each
// key (valid until the next call) with the scanner at the value, which fn
// must read; it reads the closing '}'.
func (p *jsonScan) members(fn func(key []byte) error) error {
	if p.depth++; p.depth > maxJSONDepth {
		return errSyntax
	}
	defer func() { p.depth-- }()
	p.ws()
	if p.peek() == '}' {
		p.i++
		return nil
	}
	for {
		p.ws()
		key, err := p.key()
		if err != nil {
			return err
		}
		p.ws()
		if p.peek() != ':' {
			return errSyntax
		}
		p.i++
		p.ws()
		if err := fn(key); err != nil {
			return err
		}
		p.ws()
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// elements reads a list's elements, from its '[', calling fn with the
// scanner at each, which fn must read; it reads the closing ']'.
func (p *jsonScan) elements(fn func() error) error {
	if p.depth++; p.depth > maxJSONDepth {
		return errSyntax
	}
	defer func() { p.depth-- }()
	p.i++ // '['
	p.ws()
	if p.peek() == ']' {
		p.i++
		return nil
	}
	for {
		p.ws()
		if err := fn(); err != nil {
			return err
		}
		p.ws()
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// value reads one value, whatever it is, and returns its kind; its bytes
// are p.b[p.last:p.i].
func (p *jsonScan) value() (jsonKind, error) {
	start := p.i
	defer func() { p.last = start }()
	switch c := p.peek(); {
	case c == '"':
		return jsonString, p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return jsonNumber, p.number()
	case c == '{':
		p.i++
		return jsonOther, p.members(func([]byte) error { _, err := p.value(); return err })
	case c == '[':
		return jsonOther, p.elements(func() error { _, err := p.value(); return err })
	}
	for _, lit := range []string{"null", "true", "false"} {
		if len(p.b)-p.i >= len(lit) && string(p.b[p.i:p.i+len(lit)]) == lit {
			p.i += len(lit)
			if lit == "null" {
				return jsonNull, nil
			}
			return jsonOther, nil
		}
	}
	return 0, errSyntax
}

// key reads an object's key: its bytes, decoded if need be.
func (p *jsonScan) key() ([]byte, error) {
	start := p.i
	if err := p.str(); err != nil {
		return nil, err
	}
	if p.esc {
		return []byte(jsonText(p.b[start:p.i], true)), nil
	}
	return p.b[start+1 : p.i-1], nil
}

// str reads a string literal.
func (p *jsonScan) str() error {
	if p.peek() != '"' {
		return errSyntax
	}
	p.esc = false
	for p.i++; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '"':
			p.i++
			return nil
		case c < 0x20:
			return errSyntax
		case c >= 0x80:
			p.esc = true
		case c == '\\':
			p.esc = true
			p.i++
			if p.i >= len(p.b) {
				return errSyntax
			}
			switch p.b[p.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(p.b)-p.i < 5 {
					return errSyntax
				}
				for _, h := range p.b[p.i+1 : p.i+5] {
					if !isHex(h) {
						return errSyntax
					}
				}
				p.i += 4
			default:
				return errSyntax
			}
		}
	}
	return errSyntax
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// number reads a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonScan) number() error {
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.peek() == '-' {
		p.i++
	}
	switch c := p.peek(); {
	case c == '0':
		p.i++
	case c >= '1' && c <= '9':
		digits()
	default:
		return errSyntax
	}
	if p.peek() == '.' {
		p.i++
		if digits() == 0 {
			return errSyntax
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.i++
		if c := p.peek(); c == '+' || c == '-' {
			p.i++
		}
		if digits() == 0 {
			return errSyntax
		}
	}
	return nil
}
