package web

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/usage"
)

// Reading the records of POST /usage. The endpoint must take tens of
// thousands of records a second, so a record is not decoded through
// reflection: encoding/json checks the whole body and hands each record's
// bytes, already known to be valid JSON, to usageRecordIn.UnmarshalJSON,
// which reads the flat object by hand. A record that cannot be read (not
// an object, an unknown field, a wrong type, a bad time or quantity) is
// rejected at its index; the batch goes on.

// usageRecordIn is one record of a batch as read: the input, or why it
// cannot be read.
type usageRecordIn struct {
	in  usage.Input
	msg string
}

// UnmarshalJSON reads one record; it never fails, so that one bad record
// does not fail the batch: the reason is kept in msg.
func (r *usageRecordIn) UnmarshalJSON(b []byte) error {
	r.in, r.msg = usage.Input{}, ""
	r.msg = readUsageRecord(b, &r.in)
	return nil
}

const msgNotObject = "A record must be a JSON object."

// readUsageRecord reads a record object into in, and returns "" or why
// the record cannot be read. b is valid JSON (the decoder checked it).
func readUsageRecord(b []byte, in *usage.Input) string {
	p := jsonScan{b: b}
	p.ws()
	if !p.eat('{') {
		return msgNotObject
	}
	var quantity money.Micro
	var haveQuantity bool
	for p.ws(); !p.eat('}'); {
		key, ok := p.str()
		if !ok {
			return msgNotObject
		}
		p.ws()
		if !p.eat(':') {
			return msgNotObject
		}
		p.ws()
		kind, raw := p.value()
		if kind == jsonBad {
			return msgNotObject
		}
		var msg string
		switch key {
		case "infrastructure_id":
			in.InfrastructureID, msg = textValue(key, kind, raw)
		case "metric":
			in.Metric, msg = textValue(key, kind, raw)
		case "idempotency_key":
			in.Key, msg = textValue(key, kind, raw)
		case "start":
			in.Start, msg = timeValue(key, kind, raw)
		case "end":
			in.End, msg = timeValue(key, kind, raw)
		case "quantity":
			quantity, haveQuantity, msg = quantityValue(kind, raw)
		default:
			return "Unknown field " + strconv.Quote(shortText(key)) + "."
		}
		if msg != "" {
			return msg
		}
		p.ws()
		if p.eat(',') {
			p.ws()
			continue
		}
		if p.peek() != '}' {
			return msgNotObject
		}
	}
	if !haveQuantity {
		return "quantity is required, as a decimal string or a number."
	}
	in.Quantity = quantity
	return ""
}

func shortText(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// textValue reads a string field; null is the same as leaving it out.
func textValue(field string, kind jsonKind, raw []byte) (string, string) {
	switch kind {
	case jsonNull:
		return "", ""
	case jsonString:
		s, ok := jsonText(raw)
		if !ok {
			return "", field + " must be a string."
		}
		return s, ""
	}
	return "", field + " must be a string."
}

// timeValue reads an RFC 3339 time, to the millisecond the log keeps.
func timeValue(field string, kind jsonKind, raw []byte) (time.Time, string) {
	s, msg := textValue(field, kind, raw)
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
// number, from its text: never through a float, so "0.1" is exactly a
// tenth, and an exponent is refused as in a string.
func quantityValue(kind jsonKind, raw []byte) (money.Micro, bool, string) {
	var text string
	switch kind {
	case jsonNull:
		return 0, false, ""
	case jsonNumber:
		text = string(raw)
	case jsonString:
		s, ok := jsonText(raw)
		if !ok {
			return 0, false, "quantity must be a decimal string or a number."
		}
		text = s
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

// jsonText decodes a JSON string literal: directly when it has no escapes
// and is valid UTF-8, through encoding/json otherwise.
func jsonText(raw []byte) (string, bool) {
	body := raw[1 : len(raw)-1]
	plain := utf8.Valid(body)
	for _, c := range body {
		if c == '\\' {
			plain = false
			break
		}
	}
	if plain {
		return string(body), true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// jsonScan walks valid JSON bytes.
type jsonScan struct {
	b []byte
	i int
}

type jsonKind int

const (
	jsonBad jsonKind = iota
	jsonString
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

func (p *jsonScan) eat(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

// stringEnd returns the index just past the string literal starting at
// p.i, or -1.
func (p *jsonScan) stringEnd() int {
	if p.peek() != '"' {
		return -1
	}
	for j := p.i + 1; j < len(p.b); j++ {
		switch p.b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// str reads an object key.
func (p *jsonScan) str() (string, bool) {
	end := p.stringEnd()
	if end < 0 {
		return "", false
	}
	s, ok := jsonText(p.b[p.i:end])
	p.i = end
	return s, ok
}

// value reads one value and returns its kind and its bytes.
func (p *jsonScan) value() (jsonKind, []byte) {
	start := p.i
	switch c := p.peek(); {
	case c == '"':
		end := p.stringEnd()
		if end < 0 {
			return jsonBad, nil
		}
		p.i = end
		return jsonString, p.b[start:end]
	case c == '-' || (c >= '0' && c <= '9'):
		for p.i < len(p.b) && isNumberByte(p.b[p.i]) {
			p.i++
		}
		return jsonNumber, p.b[start:p.i]
	case c == 'n':
		if len(p.b)-p.i < 4 || string(p.b[p.i:p.i+4]) != "null" {
			return jsonBad, nil
		}
		p.i += 4
		return jsonNull, p.b[start:p.i]
	case c == 't' || c == 'f':
		for p.i < len(p.b) && p.b[p.i] >= 'a' && p.b[p.i] <= 'z' {
			p.i++
		}
		return jsonOther, p.b[start:p.i]
	case c == '{' || c == '[':
		depth := 0
		for p.i < len(p.b) {
			switch p.b[p.i] {
			case '"':
				end := p.stringEnd()
				if end < 0 {
					return jsonBad, nil
				}
				p.i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			p.i++
			if depth == 0 {
				return jsonOther, p.b[start:p.i]
			}
		}
	}
	return jsonBad, nil
}

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}
