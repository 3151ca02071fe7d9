// Boot: ask the server for the modules' configuration, load the modules with it, build the store and
// render fe-core's App. Nothing here talks to anything but this server.
import React, { Component } from "react";
import ReactDOM from "react-dom";
import PropTypes from "prop-types";
import { Provider } from "react-redux";
import { applyMiddleware, combineReducers, createStore } from "redux";
import thunk from "redux-thunk";
import { apiMiddleware } from "redux-api-middleware";
import { ThemeProvider } from "@material-ui/core/styles";
import { MuiPickersUtilsProvider } from "@material-ui/pickers";
import MomentUtils from "@date-io/moment";
import { App } from "@openimis/fe-core";

import { modules, release } from "./modules.generated";
import { ModulesManager } from "./modulesManager";
import { localesManager } from "./locales";
import { messages } from "./messages";
import { theme } from "./theme";
import logo from "./logo.svg";
import "./index.css";

const API_URL = process.env.REACT_APP_API_URL;
const PUBLIC_URL = process.env.PUBLIC_URL;
const CONFIGURATION_QUERY = "{ moduleConfigurations { module, config, controls { field, usage } } }";

// moduleConfigurations -> {"fe-core": {controls, ...config}, ...}
export async function fetchModuleConfigurations() {
  const response = await fetch(`${API_URL}/graphql`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest" },
    body: JSON.stringify({ query: CONFIGURATION_QUERY }),
  });
  if (!response.ok) throw new Error(`the server answered ${response.status} to moduleConfigurations`);
  const payload = await response.json();
  if (payload.errors?.length) throw new Error(payload.errors[0].message);
  const configurations = {};
  for (const entry of payload.data?.moduleConfigurations || []) {
    let parsed = {};
    if (entry.config) {
      try {
        parsed = JSON.parse(entry.config);
      } catch (error) {
        console.warn(`openIMIS: the configuration of ${entry.module} is not JSON; ignored`, error);
      }
    }
    configurations[entry.module] = { controls: entry.controls || [], ...parsed };
  }
  return configurations;
}

export function createOpenIMISStore(modulesManager) {
  const reducers = {};
  for (const { key, reducer } of modulesManager.getContribs("reducers")) reducers[key] = reducer;
  const middlewares = [thunk, apiMiddleware, ...modulesManager.getContribs("middlewares")];
  return createStore(combineReducers(reducers), applyMiddleware(...middlewares));
}

// fe-core's withModulesManager reads the manager from React's legacy context.
class ModulesManagerRoot extends Component {
  getChildContext() {
    return { modulesManager: this.props.modulesManager };
  }

  render() {
    return this.props.children;
  }
}
ModulesManagerRoot.childContextTypes = { modulesManager: PropTypes.object.isRequired };

function showBootError(root, error) {
  root.textContent = "";
  const box = document.createElement("div");
  box.setAttribute("role", "alert");
  box.className = "boot-error";
  const title = document.createElement("h1");
  title.textContent = "openIMIS could not start";
  const detail = document.createElement("p");
  detail.textContent = `The server did not send the modules' configuration (${error.message}).`;
  const retry = document.createElement("button");
  retry.textContent = "Try again";
  retry.addEventListener("click", () => window.location.reload());
  box.append(title, detail, retry);
  root.append(box);
}

async function boot() {
  const root = document.getElementById("root");
  let configurations;
  try {
    configurations = await fetchModuleConfigurations();
  } catch (error) {
    showBootError(root, error);
    return;
  }
  const modulesManager = new ModulesManager(modules, configurations, release);
  const store = createOpenIMISStore(modulesManager);
  window.openIMIS = { modulesManager, store }; // for support sessions in the browser console
  ReactDOM.render(
    <Provider store={store}>
      <ModulesManagerRoot modulesManager={modulesManager}>
        <ThemeProvider theme={theme}>
          <MuiPickersUtilsProvider utils={MomentUtils}>
            <App basename={PUBLIC_URL} localesManager={localesManager} messages={messages} logo={logo} />
          </MuiPickersUtilsProvider>
        </ThemeProvider>
      </ModulesManagerRoot>
    </Provider>,
    root,
  );
}

boot();
