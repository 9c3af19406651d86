package web

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
)

// Reading the body of POST /usage. The endpoint must take tens of
// thousands of records a second, and encoding/json spends more time than
// the rest of the handler on a batch (one scan to check the body, another
// to hand each record over, reflection to fill it): the body is read here
// in one pass of jsontext's tokenizer, which checks the JSON as it goes,
// and each record is filled from its flat object. Duplicate names (the
// last wins) and invalid UTF-8 (read as U+FFFD) are allowed, as in
// encoding/json: json.Valid's grammar, FuzzReadUsageBatch holds it to
// that. A record that cannot be read (not an object, an unknown field, a
// wrong type, a bad time or quantity) is rejected at its index; the batch
// goes on. A body that is not JSON is 400, and one that is not
// {"records": [...]} is 422, as decodeJSON answers elsewhere.

// usageRecordIn is one record of a batch as read: the input, or why it
// cannot be read.
type usageRecordIn struct {
	in  usage.Input
	msg string
}

var errNotObject = errors.New("not a JSON object")

// readUsageBatch reads a POST /usage body into its records.
func readUsageBatch(body []byte) ([]usageRecordIn, error) {
	dec := jsontext.NewDecoder(bytes.NewBuffer(body), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	recs, fields, err := readBatch(dec, len(body))
	switch _, end := dec.ReadToken(); {
	case err == errNotObject && end == io.EOF:
		return nil, errMalformed("The body must be a JSON object.")
	case err != nil || end != io.EOF:
		return nil, errMalformed("The body is not valid JSON.")
	case len(fields) > 0:
		return nil, tenantry.Invalid(fields)
	}
	return recs, nil
}

// readBatch reads the body's object: its records, or the fields that
// make it no batch.
func readBatch(dec *jsontext.Decoder, size int) ([]usageRecordIn, map[string]string, error) {
	if dec.PeekKind() != '{' {
		if err := dec.SkipValue(); err != nil {
			return nil, nil, err
		}
		return nil, nil, errNotObject
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, nil, err
	}
	var recs []usageRecordIn
	haveRecords, fields, intern := false, map[string]string{}, map[string]string{}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return nil, nil, err
		}
		switch kind := dec.PeekKind(); {
		case name.String() != "records":
			fields[name.String()] = "Unknown field."
			err = dec.SkipValue()
		case kind == 'n':
			haveRecords, recs = false, nil
			err = dec.SkipValue()
		case kind == '[':
			haveRecords = true
			recs, err = readRecords(dec, size, intern)
		default:
			fields["records"] = "Expected a list."
			err = dec.SkipValue()
		}
		if err != nil {
			return nil, nil, err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, nil, err
	}
	if !haveRecords && len(fields) == 0 {
		fields["records"] = "Give the records as a list: {\"records\": [...]}."
	}
	return recs, fields, nil
}

// readRecords reads the list of records.
func readRecords(dec *jsontext.Decoder, size int, intern map[string]string) ([]usageRecordIn, error) {
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	// a record takes some 150 bytes: room for them all at once
	recs := make([]usageRecordIn, 0, min(size/128, usage.MaxBatch+1))
	for dec.PeekKind() != ']' {
		recs = append(recs, usageRecordIn{})
		r := &recs[len(recs)-1]
		var err error
		if r.msg, err = readRecord(dec, &r.in, intern); err != nil {
			return nil, err
		}
	}
	_, err := dec.ReadToken()
	return recs, err
}

const msgNotObject = "A record must be a JSON object."

// readRecord reads one record into in; it returns why the record cannot
// be used ("" when it can), and an error only when the JSON is not valid.
// Infrastructure ids and metrics repeat from record to record: intern
// keeps one copy of each.
func readRecord(dec *jsontext.Decoder, in *usage.Input, intern map[string]string) (string, error) {
	if dec.PeekKind() != '{' {
		return msgNotObject, dec.SkipValue()
	}
	if _, err := dec.ReadToken(); err != nil {
		return "", err
	}
	var msg string
	var quantity money.Micro
	var haveQuantity bool
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return "", err
		}
		key := name.String()
		kind, v, err := readScalar(dec)
		switch {
		case err != nil:
			return "", err
		case msg != "":
			continue // the first reason is enough; the rest is only checked
		}
		switch key {
		case "infrastructure_id":
			in.InfrastructureID, msg = internValue(intern, "infrastructure_id", kind, v)
		case "metric":
			in.Metric, msg = internValue(intern, "metric", kind, v)
		case "idempotency_key":
			in.Key, msg = textValue("idempotency_key", kind, v)
		case "start":
			in.Start, msg = timeValue("start", kind, v)
		case "end":
			in.End, msg = timeValue("end", kind, v)
		case "quantity":
			quantity, haveQuantity, msg = quantityValue(kind, v)
		default:
			msg = "Unknown field " + strconv.Quote(shortText(key)) + "."
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return "", err
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

// readScalar reads a value: its kind, and the token of a string or a
// number (its String is the text, valid until the next read); an object
// or a list is only checked.
func readScalar(dec *jsontext.Decoder) (jsontext.Kind, jsontext.Token, error) {
	switch kind := dec.PeekKind(); kind {
	case '"', '0':
		tok, err := dec.ReadToken()
		return kind, tok, err
	default:
		return kind, jsontext.Token{}, dec.SkipValue()
	}
}

func shortText(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// textValue reads a string field; null is the same as leaving it out.
func textValue(field string, kind jsontext.Kind, tok jsontext.Token) (string, string) {
	switch kind {
	case 'n':
		return "", ""
	case '"':
		return tok.String(), ""
	}
	return "", field + " must be a string."
}

// internValue is textValue keeping one copy of each value.
func internValue(intern map[string]string, field string, kind jsontext.Kind, tok jsontext.Token) (string, string) {
	if kind != '"' {
		return textValue(field, kind, tok)
	}
	if s, ok := intern[tok.String()]; ok {
		return s, ""
	}
	s := tok.String()
	intern[s] = s
	return s, ""
}

// timeValue reads an RFC 3339 time, to the millisecond the log keeps.
func timeValue(field string, kind jsontext.Kind, tok jsontext.Token) (time.Time, string) {
	if kind == '"' {
		if t, ok := parseUTCSecond(tok.String()); ok {
			return t, ""
		}
	}
	s, msg := textValue(field, kind, tok)
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
func quantityValue(kind jsontext.Kind, tok jsontext.Token) (money.Micro, bool, string) {
	switch kind {
	case 'n':
		return 0, false, ""
	case '"', '0':
	default:
		return 0, false, "quantity must be a decimal string or a number."
	}
	q, err := parseQuantity(tok.String())
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

// parseUTCSecond reads the common form of an RFC 3339 time,
// YYYY-MM-DDTHH:MM:SSZ, without time.Parse; anything else is not ok, for
// time.Parse to read.
func parseUTCSecond(b string) (time.Time, bool) {
	if len(b) != 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(b[i : i+n]) {
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
