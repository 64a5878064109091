package validation

import (
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestCalendarDatesAndEmailAddresses(t *testing.T) {
	for s, want := range map[string]bool{
		"1995-10-01": true, "2024-02-29": true, "2023-02-29": false, "1995-02-30": false, "1995-13-01": false,
		"1995-1-01": false, "95-10-01": false, "1995-10-01T00:00:00Z": false, "": false,
	} {
		if got := IsDate(s); got != want {
			t.Errorf("IsDate(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{
		"john.doe@example.com": true, "user@localhost": true, "Zoë@exämple.com": true,
		"": false, "not-an-email": false, " john.doe@example.com": false, "john.doe@example.com ": false,
		"John <john@example.com>": false, "@example.com": false, "john@": false, "a@b@c": false,
	} {
		if got := EmailAddress(s); got != want {
			t.Errorf("EmailAddress(%q) = %v", s, got)
		}
	}
}

// reduce keeps exactly the declared members, follows the discriminator
// into the chosen branch, and words refused members by policy.
func TestReduceKeepsOnlyDeclaredMembers(t *testing.T) {
	str := openapi3.NewStringSchema()
	profile := openapi3.NewObjectSchema().WithProperty("email", str).WithProperty("dob", str)
	email := openapi3.NewObjectSchema().WithProperty("newEmail", str)
	req := func(data *openapi3.Schema) *openapi3.Schema {
		return openapi3.NewObjectSchema().WithProperty("action", str).WithProperty("data", data)
	}
	root := &openapi3.Schema{
		OneOf: openapi3.SchemaRefs{{Ref: "#/p", Value: req(profile)}, {Ref: "#/e", Value: req(email)}},
		Discriminator: &openapi3.Discriminator{PropertyName: "action", Mapping: map[string]openapi3.MappingRef{
			"P": {Ref: "#/p"}, "E": {Ref: "#/e"}}},
	}
	body := map[string]any{"action": "P", "Action": "E", "data": map[string]any{
		"email": "a@example.com", "DOB": "garbage", "dob": "1995-10-01", "newEmail": "x@example.com", "colour": "blue"}}
	var refused []FieldProblem
	got := reduce(root, body, nil, ignoreUnknown, nil, &refused)
	want := map[string]any{"action": "P", "data": map[string]any{"email": "a@example.com", "dob": "1995-10-01"}}
	if !reflect.DeepEqual(got, want) || len(refused) != 0 {
		t.Fatalf("ignore: got %v, refused %v", got, refused)
	}
	reduce(root, body, nil, refuseOtherCase, nil, &refused)
	var msgs []string
	for _, r := range refused {
		msgs = append(msgs, r.Message)
	}
	if len(msgs) != 2 {
		t.Fatalf("refuse-other-case: %q", msgs)
	}
	for _, m := range []string{"Action is not a field; the field is spelled action", "data.DOB is not a field; the field is spelled dob"} {
		found := false
		for _, g := range msgs {
			found = found || g == m
		}
		if !found {
			t.Errorf("refuse-other-case: %q lacks %q", msgs, m)
		}
	}
}
