// The page of a route whose backend this server does not run yet (reports, registers, extracts): it says
// so instead of failing on the first query. The server lists such routes per frontend module
// (configuration "unavailableRoutes"); the modules manager puts this page in their place.
import React from "react";
import { FormattedMessage } from "@openimis/fe-core";

export function NotAvailablePage() {
  return (
    <div className="not-available" role="status">
      <h1>
        <FormattedMessage module="core" id="NotAvailable.title" />
      </h1>
      <p>
        <FormattedMessage module="core" id="NotAvailable.message" />
      </p>
    </div>
  );
}
