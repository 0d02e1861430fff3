/** The member a request is made by, resolved from the session cookie (app.ts) once per page or API request. */
export type SignedInUser = {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  suspended?: boolean;
  /** Their profile's time zone (IANA): pages show times in it. */
  timezone?: string;
};
