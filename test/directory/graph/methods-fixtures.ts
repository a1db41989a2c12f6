/** A user's methods as `GET /v1.0/users/{id}/authentication/methods` returns them. */
export const METHODS_RESPONSE = {
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('u1')/authentication/methods",
  value: [
    {
      "@odata.type": "#microsoft.graph.passwordAuthenticationMethod",
      id: "28c10230-6103-485e-b985-444c60001490",
      password: null,
      createdDateTime: "2023-01-01T00:00:00Z",
    },
    {
      "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
      id: "3179e48a-750b-4051-897c-87b9720928f7",
      phoneNumber: "+1 2065555555",
      phoneType: "mobile",
      smsSignInState: "notAllowedByPolicy",
    },
    {
      "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
      id: "6cf2a0e4-7d0c-4f58-8b17-d2e1b1a1a1a1",
      displayName: "Alice's iPhone",
      deviceTag: "SoftwareTokenActivated",
      phoneAppVersion: "6.2401.0119",
    },
    {
      "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
      id: "b6332ec1-7057-4abe-9331-3d72feddfe41",
      phoneNumber: "+1 4255550199",
      phoneType: "alternateMobile",
      smsSignInState: "notAllowedByPolicy",
    },
    {
      "@odata.type": "#microsoft.graph.emailAuthenticationMethod",
      id: "3ddfcfc8-9383-446f-83cc-3ab9be4be18f",
      emailAddress: "alice.personal@example.com",
    },
    {
      "@odata.type": "#microsoft.graph.softwareOathAuthenticationMethod",
      id: "b172893e-893e-4d3f-9a8e-2c0e3a1b8f88",
      secretKey: null,
    },
  ],
};

export const PASSWORD_ONLY = {
  value: [
    {
      "@odata.type": "#microsoft.graph.passwordAuthenticationMethod",
      id: "28c10230-6103-485e-b985-444c60001490",
    },
  ],
};
