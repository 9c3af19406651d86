package tenantry

import (
	"strings"
	"time"

	"github.com/tenantry/tenantry/internal/money"
)

// Resource types: what an infrastructure holds. The metric catalogue says
// which metrics meter which type.
const (
	ResourceServer = "server"
	ResourceVolume = "volume"
	ResourceIP     = "ip"
)

// ResourceTypes lists the types in the order pages show them.
var ResourceTypes = []string{ResourceServer, ResourceVolume, ResourceIP}

// ResourceTypeLabel is a type as people read it.
func ResourceTypeLabel(t string) string {
	switch t {
	case ResourceServer:
		return "Server"
	case ResourceVolume:
		return "Volume"
	case ResourceIP:
		return "Public IP"
	}
	return t
}

// UnitFor is the unit a metric metering resources of type t must have:
// running time in hours, or GB-hours for a volume's size over time.
func UnitFor(t string) string {
	if t == ResourceVolume {
		return "GB-hour"
	}
	return "hour"
}

// Resource states. A deleted resource is kept for the usage that points
// at it, but no reader sees it any more.
const (
	StateStopped = "stopped"
	StateRunning = "running"
	StateDeleted = "deleted"
)

// MaxVolumeGB bounds a volume's size.
const MaxVolumeGB = 65536

// Resource is a server, volume or public IP inside an infrastructure.
// Provisioning is simulated; its lifecycle is real and metered: while it
// runs, its metric accrues (hours, or GB-hours for a volume).
type Resource struct {
	ID               string
	InfrastructureID string
	AccountID        string
	Type             string
	Name             string
	Metric           string
	// SizeGB is a volume's size; 0 for other types.
	SizeGB int64
	State  string
	// RunningSince is when the open metering interval began; zero unless
	// running.
	RunningSince time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// UsedThisMonth is what it used this calendar month (UTC), its open
	// interval up to now included, per metric (a resize changes metric).
	UsedThisMonth []MetricQuantity
}

// MetricQuantity is a quantity of one metric.
type MetricQuantity struct {
	Metric   string
	Quantity money.Micro
}

// NewResource creates a resource, from a form or the API.
type NewResource struct {
	Type   string `json:"type"`
	Name   string `json:"name"`
	Metric string `json:"metric"`
	SizeGB *int64 `json:"size_gb"`
	// Start starts it at once; a new resource is stopped otherwise.
	Start bool `json:"start"`
}

// Normalize trims the input the way every door should.
func (n *NewResource) Normalize() {
	n.Type, n.Name, n.Metric = strings.TrimSpace(n.Type), strings.TrimSpace(n.Name), strings.TrimSpace(n.Metric)
}

// ResourceResize changes a resource's flavor (metric) or a volume's size.
type ResourceResize struct {
	Metric *string `json:"metric"`
	SizeGB *int64  `json:"size_gb"`
}

// ResourceMetric checks that metric can meter a resource of type typ, in
// a catalogue; it returns the field error, or "".
func ResourceMetric(catalogue []Metric, typ, metric string) string {
	var offered []string
	for _, m := range catalogue {
		if m.ResourceType != typ {
			continue
		}
		if m.Key == metric {
			return ""
		}
		offered = append(offered, m.Key)
	}
	if len(offered) == 0 {
		return "The catalogue has no metric for " + strings.ToLower(ResourceTypeLabel(typ)) +
			"s yet: the provider marks one in the metric catalogue."
	}
	return "Choose one of: " + strings.Join(offered, ", ") + "."
}

// CheckResource validates a new resource against the catalogue.
func CheckResource(catalogue []Metric, n *NewResource) error {
	n.Normalize()
	fields := map[string]string{}
	typeOK := false
	for _, t := range ResourceTypes {
		typeOK = typeOK || t == n.Type
	}
	switch {
	case !typeOK:
		fields["type"] = "Choose server, volume or ip."
	default:
		if msg := ResourceMetric(catalogue, n.Type, n.Metric); msg != "" {
			fields["metric"] = msg
		}
		if msg := checkSize(n.Type, n.SizeGB); msg != "" {
			fields["size_gb"] = msg
		}
	}
	if n.Name == "" || len([]rune(n.Name)) > MaxInfraName || strings.ContainsAny(n.Name, "\r\n") {
		fields["name"] = "Give a name of 1 to 100 characters, on one line."
	} else if UnsafeText(n.Name) {
		fields["name"] = MsgUnsafeText
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

func checkSize(typ string, size *int64) string {
	if typ != ResourceVolume {
		if size != nil && *size != 0 {
			return "Only a volume has a size."
		}
		return ""
	}
	if size == nil || *size < 1 || *size > MaxVolumeGB {
		return "Give the volume's size in GB, from 1 to 65536."
	}
	return ""
}

// CheckResize validates a resize of r against the catalogue: a new metric
// of r's type, or a new size for a volume, and at least one of them.
func CheckResize(catalogue []Metric, r *Resource, in *ResourceResize) error {
	fields := map[string]string{}
	if in.Metric == nil && in.SizeGB == nil {
		return Invalid(map[string]string{"metric": "Give a new metric, or a new size for a volume."})
	}
	if in.Metric != nil {
		m := strings.TrimSpace(*in.Metric)
		in.Metric = &m
		if msg := ResourceMetric(catalogue, r.Type, m); msg != "" {
			fields["metric"] = msg
		}
	}
	if in.SizeGB != nil {
		if msg := checkSize(r.Type, in.SizeGB); msg != "" {
			fields["size_gb"] = msg
		}
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}
