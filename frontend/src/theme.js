// Material-UI v4 theme with the extra keys the @openimis/fe-* components read (theme.menu, theme.paper,
// theme.table, theme.dialog, theme.jrnlDrawer, ...).
import { createTheme } from "@material-ui/core/styles";

const primary = "#00474f";
const accent = "#c8e6c9";
const surface = "#e9f2f1";

export const theme = createTheme({
  palette: {
    primary: { main: primary },
    secondary: { main: "#ffffff" },
    text: { primary: "#1d2b2d", second: "#ffffff" },
    toggledButton: "#2e7d76",
    background: { default: "#f4f6f6" },
  },
  typography: {
    fontFamily: '"Roboto", "Helvetica Neue", Arial, sans-serif',
    title: { fontSize: 18, fontWeight: 500 },
  },
  overrides: {
    MuiTableCell: { head: { fontWeight: 600 } },
  },
  menu: {
    variant: "AppBar",
    appBar: { fontSize: 16 },
    drawer: { width: 300, fontSize: 16, fontWeight: 500, textColor: primary, backgroundColor: surface },
  },
  bigAvatar: { width: 120, height: 120 },
  // the page's add/save buttons: left of the folded journal drawer (73 px) and above it (drawer 1200,
  // dialogs 1300), so that they can always be clicked
  fab: { position: "fixed", bottom: 24, right: 96, zIndex: 1250 },
  fakeInput: { pointerEvents: "none" },
  flexTooltip: { display: "flex" },
  tooltipContainer: { display: "flex", justifyContent: "flex-end", alignItems: "center" },
  buttonContainer: { horizontal: { display: "flex", justifyContent: "flex-end", gap: 8 } },
  // a locked (saved, read-only) form stays clickable: its reload action opens what was saved
  page: { padding: 16, width: "100%", locked: { opacity: 0.6 } },
  paper: {
    paper: { margin: 8, padding: 0 },
    paperHeader: { backgroundColor: surface, padding: 8 },
    title: { padding: 10, fontSize: 18, fontWeight: 500, color: primary },
    header: { color: primary, backgroundColor: surface },
    body: { backgroundColor: "#ffffff" },
    item: { padding: 10 },
    message: { padding: 10 },
    action: { padding: 5 },
    divider: { padding: 0, margin: 0 },
  },
  table: {
    container: { width: "100%", overflowX: "auto" },
    title: { padding: 10, color: primary },
    header: { color: primary, fontWeight: 600 },
    headerAction: { padding: 5, color: primary },
    row: { color: "#1d2b2d", "&:hover": { backgroundColor: surface } },
    pager: { color: primary },
    footer: { color: primary },
    highlightedRow: { backgroundColor: accent },
    highlightedCell: { fontWeight: 600 },
    highlightedAltRow: { backgroundColor: "#fff3c4" },
    highlightedAltCell: { fontWeight: 600 },
    secondaryHighlightedRow: { backgroundColor: "#e3f2fd" },
    secondaryHighlightedCell: { fontWeight: 500 },
    disabledRow: { color: "#9e9e9e" },
    disabledCell: { color: "#9e9e9e" },
    lockedRow: { backgroundColor: "#eeeeee" },
    lockedCell: { color: "#757575" },
  },
  dialog: {
    title: { color: primary, fontWeight: 600 },
    content: { padding: 16 },
    primaryButton: { backgroundColor: primary, color: "#ffffff", "&:hover": { backgroundColor: "#00363c" } },
    secondaryButton: { color: primary },
  },
  jrnlDrawer: {
    width: 300,
    open: { width: 300 },
    close: { width: 48 },
    iconSize: 24,
    item: { padding: 8 },
    itemDetail: { padding: 4 },
    itemDetailText: { fontSize: 12 },
  },
});
