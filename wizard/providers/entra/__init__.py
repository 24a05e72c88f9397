"""Microsoft Entra ID: sign-in (msal), the Graph client, and the plan, apply and verify built on them."""
