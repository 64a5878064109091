// Package validation checks requests against an OpenAPI document before
// they reach a vendor's handlers, and describes what is wrong as a
// problem.Problem that each vendor renders in its own error envelope.
package validation
