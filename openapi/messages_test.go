package openapi_test

import (
	"fmt"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/vendorsuite/contracts/openapi"
)

// documentedMessage is a message text typed in from a vendor page, with the
// page's placeholders left in, and the status the page gives it.
type documentedMessage struct {
	document string
	status   string // response key: "400", "default", ...
	text     string
}

// Every error (and success) message the vendor pages document, as the pages
// print it. Care360 has twelve distinct documented error messages.
var documentedMessages = []documentedMessage{
	// Care360 API reference, "Get Users"
	{openapi.Care360, "400", "Missing cv-api-key header"},
	// Care360 API reference, "Update user profile"
	{openapi.Care360, "400", "User {email} does not exist"},
	{openapi.Care360, "400", "User {email} does not exist in the organization"},
	{openapi.Care360, "400", "Not allowed to update the profile"},
	{openapi.Care360, "400", "Cannot update user profile fields (firstName, lastName, dob, gender) for user with cases"},
	{openapi.Care360, "400", "Unable to use this phone number. Please use a different one"},
	// Care360 API reference, "Update user email"
	{openapi.Care360, "400", "User {currentEmail} does not exist"},
	{openapi.Care360, "400", "User {currentEmail} does not exist in the organization"},
	{openapi.Care360, "400", "Not allowed to update the email"},
	{openapi.Care360, "400", "New Email {newEmail} already exists"},
	{openapi.Care360, "400", "User with email {newEmail} already exists in database"},
	{openapi.Care360, "400", "User with email {newEmail} already exists in authentication"},
	// Care360 success messages.
	{openapi.Care360, "200", "Profile updated successfully"},
	{openapi.Care360, "200", "Email updated successfully"},
	// CL2C API reference, "Update User Profile API": the validation shape and the default shape.
	{openapi.CL2C, "400", "First name is required"},
	{openapi.CL2C, "400", "Invalid phone number format"},
	{openapi.CL2C, "400", "Invalid Request"},
	{openapi.CL2C, "default", "An unexpected error occurred."},
	{openapi.CL2C, "default", "Please contact support with this error ID."},
	// R1 Discover API documentation, "Update User" documents only its success.
	{openapi.R1Discover, "200", "User updated successfully"},
}

func TestDocumentedMessagesAreExamples(t *testing.T) {
	care360Errors := 0
	for _, m := range documentedMessages {
		if m.document == openapi.Care360 && m.status != "200" {
			care360Errors++
		}
	}
	if care360Errors != 12 {
		t.Fatalf("the table lists %d Care360 error messages, the pages document 12", care360Errors)
	}

	for _, m := range documentedMessages {
		t.Run(fmt.Sprintf("%s %s %s", m.document, m.status, m.text), func(t *testing.T) {
			doc, err := openapi.Load(m.document)
			if err != nil {
				t.Fatal(err)
			}
			found := exampleStrings(doc, m.status)
			if _, ok := found[m.text]; !ok {
				t.Errorf("no %s example in %s carries %q; texts found: %v", m.status, m.document, m.text, sortedKeys(found))
			}
		})
	}
}

// exampleStrings collects every string in every example of every response
// with the given status, across all operations of the document.
func exampleStrings(doc *openapi3.T, status string) map[string]struct{} {
	found := map[string]struct{}{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			resp := op.Responses.Value(status)
			if resp == nil || resp.Value == nil {
				continue
			}
			for _, media := range resp.Value.Content {
				if media.Example != nil {
					collectStrings(media.Example, found)
				}
				for _, ex := range media.Examples {
					if ex.Value != nil {
						collectStrings(ex.Value.Value, found)
					}
				}
			}
		}
	}
	return found
}

func collectStrings(v any, into map[string]struct{}) {
	switch v := v.(type) {
	case string:
		into[v] = struct{}{}
	case []any:
		for _, x := range v {
			collectStrings(x, into)
		}
	case map[string]any:
		for _, x := range v {
			collectStrings(x, into)
		}
	}
}

func sortedKeys(m map[string]struct{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
