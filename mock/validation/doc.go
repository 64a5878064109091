// Package validation checks requests against an OpenAPI document before
// they reach a vendor's handlers, and describes what is wrong as a
// problem.Problem that each vendor renders in its own error envelope.
//
// kin-openapi loads the document, routes and words every refusal. At
// startup each operation is also compiled (compiled.go, operations.go)
// into a validator that reads a request's parameters and body once, as
// bytes, and either accepts it exactly as sent or is not sure; only then
// does the request go through kin-openapi. An accepted body is decoded
// once, straight into the handler's struct (decode.go), and an accepted
// query straight into the generated parameters struct (query.go). The
// tests hold the fast path to kin-openapi's and encoding/json's answers.
package validation
