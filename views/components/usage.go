package components

import (
	"strings"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// Quantity writes a quantity of a metric with its unit, as people read
// it: "12.5 hours", "720 GB-hours", "1 hour". Small quantities keep the
// six decimals the store keeps, so that a few seconds of running time
// read as what they are ("0.000556 hours") and not as nothing.
func Quantity(q money.Micro, unit string) string {
	var s string
	switch abs := max(q, -q); {
	case abs >= 100*1_000_000:
		s = q.Fixed(1)
	case abs >= 1_000_000:
		s = q.Fixed(2)
	default:
		s = q.Fixed(6)
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + " " + unitWord(unit, s == "1")
}

// unitWord is a unit in the singular or the plural.
func unitWord(unit string, one bool) string {
	switch {
	case one, unit == "GB", unit == "":
		return unit
	default:
		return unit + "s"
	}
}

// Figure is a quantity of one metric, named from the catalogue.
type Figure struct {
	Metric string
	// Name is the metric's name in the catalogue; Unit its unit.
	Name     string
	Unit     string
	Quantity money.Micro
}

// Text is the figure's quantity and unit.
func (f Figure) Text() string { return Quantity(f.Quantity, f.Unit) }

// Figures names quantities from the catalogue, in the catalogue's order;
// a metric the catalogue no longer has keeps its key and no unit.
func Figures(catalogue []tenantry.Metric, list []tenantry.MetricQuantity) []Figure {
	out := make([]Figure, 0, len(list))
	for _, m := range catalogue {
		for _, q := range list {
			if q.Metric == m.Key {
				out = append(out, Figure{Metric: m.Key, Name: m.Name, Unit: m.Unit, Quantity: q.Quantity})
			}
		}
	}
	for _, q := range list {
		known := false
		for _, m := range catalogue {
			known = known || m.Key == q.Metric
		}
		if !known {
			out = append(out, Figure{Metric: q.Metric, Name: q.Metric, Quantity: q.Quantity})
		}
	}
	return out
}

// MonthFor returns an infrastructure's figures of this month in a list's
// map, nil for none.
func MonthFor(m map[string][]Figure, infraID string) []Figure { return m[infraID] }
