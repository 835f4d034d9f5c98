import { startPage } from "../shared/layout.js";

startPage();
