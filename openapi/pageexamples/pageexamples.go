// Package pageexamples holds the example bodies of the vendor pages as the
// pages print them, typed in once for every test that replays them: the
// document tests, the mock's handler tests and fuzz seeds, and the contract
// specs.
package pageexamples

import "strings"

// Care360 (Care360 API reference, "Update user profile", Care360 API reference, "Update user email",
// Care360 API reference, "Get Users").
const (
	// Care360ProfileCurlBody is the profile page's curl body as written: a
	// comma is missing after "01010", so it is not valid JSON.
	Care360ProfileCurlBody = `{
"action": "UPDATE_PROFILE",
"data": {
"email": "john.doe@example.com",
"firstName": "John",
"lastName": "Doe",
"dob": "1995-10-01",
"phoneNumber": "+11111111111",
"gender": "MALE",
"address": "123 ABC street",
"address2": "Apt 2",
"city": "NYC",
"state": "NY",
"country": "US",
"postalCode": "01010"
"allergies": "Peanuts, Shellfish",
"currentMedications": "Aspirin, Metformin",
"healthConditions": "Diabetes, Hypertension",
"languagePreferences": ["en", "es", "fr"]
}
}`
	Care360ProfileResponse = `{
"status": 200,
"success": true,
"message": "Profile updated successfully",
"data": {
"user": {
"email": "john@example.com",
"firstName": "John",
"lastName": "Doe",
"dob": "1995-10-01T00:00:00.000Z",
"phoneNumber": "+15513446634",
"gender": "MALE",
"address": "123 ABC street",
"address2": "Apt 2",
"city": "NYC",
"state": "NY",
"country": "US",
"postalCode": "01010",
"allergies": "Peanuts, Shellfish",
"currentMedications": "Aspirin, Metformin",
"healthConditions": "Diabetes, Hypertension",
"languagePreferences": [
"en",
"es",
"fr"
]
}
}
}`
	Care360LockedResponse = `{
"status": 400,
"success": false,
"message": "Cannot update user profile fields (firstName, lastName, dob, gender) for user with cases"
}`
	Care360EmailRequest = `{
    "action": "UPDATE_EMAIL",
    "data": {
        "currentEmail": "john.doe@carevalidate.com",
        "newEmail": "doe.john@carevalidate.com"
    }
}`
	Care360EmailResponse = `{
    "status": 200,
    "success": true,
    "message": "Email updated successfully",
"data": {
"user": {
"email": "doe.john@carevalidate.com",
"firstName": "John",
"lastName": "Doe",
"dob": "2000-10-01",
"phoneNumber": "+11111111111",
"gender": "MALE",
"address": "1 ABC St",
"address2": "Apt 3",
"city": "NYC",
"state": "NY",
"country": "US",
"postalCode": "10101"
}
}
}`
	Care360GetUsersResponse = `{
"meta": {
"hasMore": true,
"cursor": "<cursor>"
},
"data": [
{
"email": "john.doe@example.com",
"firstName": "John",
"lastName": "Doe",
"dob": "1995-10-01",
"phoneNumber": "+11111111111",
"gender": "MALE",
"address": "123 ABC street",
"address2": "Apt 2",
"city": "NYC",
"state": "NY",
"country": "US",
"postalCode": "01010",
"allergies": "Peanuts, Shellfish",
"currentMedications": "Aspirin, Metformin",
"healthConditions": "Diabetes, Hypertension",
"languagePreferences": [
"en",
"es",
"fr"
],
"communication": {
"smsNotificationsDisabled": true,
"notificationsDisabled": true
}
}
]
}`
	Care360MissingKeyResponse = `{
"status": 400,
"success": false,
"error": "Missing cv-api-key header",
"code": "CASE_ERROR"
}`
	// Care360GetUsersCursor is the page's example value of `after`.
	Care360GetUsersCursor = "MjAyNS0xMS0yNlQxMDo1NToxMi4wMTRafG45SHRoNTFRcHBlUnpoMVk2TVBOVlZwdU1zYzI"
)

// Care360ProfileBody is the curl body with the page's missing comma put
// back (its JavaScript and Python examples agree with it).
var Care360ProfileBody = strings.Replace(Care360ProfileCurlBody, `"01010"`+"\n", `"01010",`+"\n", 1)

// CL2C (CL2C API reference, "Update User Profile API").
const (
	CL2CRequest = `{
  "id": "string",
  "firstName": "John",
  "lastName": "Doe",
  "phoneNumber": "+1234567890",
  "pushToken": "push_token_example"
}`
	CL2CResponse = `{
  "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
  "userName": "john_doe",
  "firstName": "John",
  "lastName": "Doe",
  "email": "john.doe@example.com",
  "emailConfirmed": true,
  "authenticated": true,
  "authValidUpto": "2024-11-05T19:42:26.587Z",
  "authLocation": "USA",
  "phoneNumber": "+1234567890",
  "walletAddress": "0x123456789ABCDEF"
}`
	CL2CValidationResponse = `{
  "type": "https://example.com/error",
  "title": "Invalid Request",
  "status": 400,
  "detail": "The request parameters are incorrect.",
  "instance": "12345",
  "errors": {
    "firstName": ["First name is required"],
    "phoneNumber": ["Invalid phone number format"]
  }
}`
	CL2CDefaultErrorResponse = `{
  "messages": ["An unexpected error occurred."],
  "source": "API Gateway",
  "exception": "System.Exception",
  "errorId": "error-12345",
  "supportMessage": "Please contact support with this error ID.",
  "statusCode": 500
}`
)

// R1 Discover (R1 Discover API documentation, "Update User").
const (
	// R1Request is the page's curl --data string with its shell escaping
	// undone: the allowed values sit inside the strings and the emails are
	// obfuscated, as on the page.
	R1Request = `{
    "username": "xyz123",
    "company_username": "xyz123",
    "client_email": "[email protected]",
    "client_location": "\"Bend Treatment Center\", \"Grants Pass Treatment Center\", \"Devon\", \"etc..\"",
    "client_program": "\"General\", \"PHP\", \"MSR\", \"etc..\"",
    "client_practitioner": "[email protected]",
    "client_status": "\"active\", \"inactive\""
}`
	R1Response = `{
  "error": 0,
  "message": "User updated successfully",
  "data": {
    "username": "user123",
    "email": "[email protected]"
  }
}`
)
