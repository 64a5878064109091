package support

import (
	"maps"
	"testing"
)

func TestVendorsSelectedByALabelFilter(t *testing.T) {
	all := map[string]bool{Care360: true, CL2C: true, R1Discover: true}
	for filter, want := range map[string]map[string]bool{
		"":                        all,
		"!mutating":               all,
		"care360 && !mutating":    {Care360: true, CL2C: false, R1Discover: false},
		"cl2c || r1discover":      {Care360: false, CL2C: true, R1Discover: true},
		"documented-error":        all,
		"!care360 && !r1discover": {Care360: false, CL2C: true, R1Discover: false},
	} {
		got, err := VendorsSelected(filter)
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("%q: %v %v, want %v", filter, got, err, want)
		}
	}
	if _, err := VendorsSelected("care360 &&"); err == nil {
		t.Error("a malformed filter was accepted")
	}
}
